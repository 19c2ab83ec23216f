// Right after a login: a recovery request through the trustees that is not over
// is shown to the owner first (docs/trustees.md). The check is one small call;
// the warning screen's module loads only when there is a request to show.
import { recoveryRequestsAgainstMe } from '../api.js';
import { go } from '../nav.js';

/** Go to `next`, through the warning screen when someone asked to recover this wallet. */
export async function goAfterLogin(next) {
  let requests = [];
  try {
    requests = await recoveryRequestsAgainstMe();
  } catch {
    requests = []; // e.g. a new secret phrase is needed first: the next login shows it
  }
  if (!requests.length) return go(next);
  await import('./recovery-request-warning.js');
  return go('recovery-request-warning', { requests, next });
}
