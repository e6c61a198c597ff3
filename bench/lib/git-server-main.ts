// The bench's Git server in a process of its own: started by `git-server-process.ts`, it serves
// the folder given in the environment and answers over the IPC channel.
import { startGitHttpServer } from '../../packages/server/src/testing/git-http-server.ts';

const server = await startGitHttpServer({ root: process.env.BENCH_GIT_ROOT!, username: process.env.BENCH_GIT_USER!, password: process.env.BENCH_GIT_PASSWORD! });
process.on('message', (message: { type: string }) => {
  if (message.type === 'stats') process.send!({ type: 'stats', stats: server.stats });
  if (message.type === 'close') void server.close().then(() => process.exit(0));
});
// The parent is gone: nothing is left to serve.
process.on('disconnect', () => void server.close().then(() => process.exit(0)));
process.send!({ type: 'ready', url: server.url('') });
