// Model components: Trainer, Evaluator, Pusher (Resolver and HumanApproval are orchestrator-handled specs in customComponents).
import { evaluatorSpec } from './evaluator';
import { pusherSpec } from './pusher';
import type { ComponentSpec } from './spec';
import { trainerSpec } from './trainer';

export const modelComponents: ComponentSpec[] = [trainerSpec, evaluatorSpec, pusherSpec];
