// Model components: Trainer, Evaluator, Pusher (Resolver and HumanApproval are orchestrator-handled specs in customComponents).
import type { ComponentSpec } from './spec';

export const modelComponents: ComponentSpec[] = [];
