// Who records an approval: git's user.name for the workspace (spawned without a shell), else the OS user.
import { execFile } from 'node:child_process';
import { userInfo } from 'node:os';

export function gitUserName(cwd: string | undefined): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', ['config', 'user.name'], { cwd, timeout: 5000, shell: false }, (err, stdout) => {
      const name = err ? '' : stdout.trim();
      resolve(name || undefined);
    });
  });
}

export async function currentUser(cwd: string | undefined): Promise<string> {
  const fromGit = await gitUserName(cwd);
  if (fromGit) return fromGit;
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}
