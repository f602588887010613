// The form action behind every Unmerge, Approve and Reject button: reads the
// posted merge_id, checks it (identity-decisions.ts) and sends the command.
// The answer is the page's `form`: what was sent, or why not, with the status
// that says so (404 for a record the brand does not have).
import { fail, type ActionFailure, type RequestEvent } from '@sveltejs/kit';
import type { IdentityCommandType } from '../shared/events';
import { dashboardContext } from './context';
import { prepareDecision } from './identity-decisions';
import { requireSession } from './page-session';

export interface DecisionOutcome {
  type: IdentityCommandType;
  /** As posted, for the page to show next to the right record. */
  merge_id: string;
  sent: boolean;
  message: string;
}

export type DecisionActionResult =
  { decision: DecisionOutcome } | ActionFailure<{ decision: DecisionOutcome }>;

const SENT: Record<IdentityCommandType, string> = {
  unmerge: 'Unmerge sent: the profiles split within a moment; reload to see them apart.',
  approve: 'Approval sent: the profiles merge within a moment.',
  reject: 'Rejection sent: these profiles will not be asked about again.',
};

export async function decisionAction(
  event: Pick<RequestEvent, 'locals' | 'request'>,
  type: IdentityCommandType,
): Promise<DecisionActionResult> {
  const { brand, session } = requireSession(event.locals);
  const form = await event.request.formData().catch(() => null);
  const posted = form?.get('merge_id');
  const mergeId = typeof posted === 'string' ? posted.slice(0, 200) : '';
  const answer = (status: number, sent: boolean, message: string) => {
    const decision: DecisionOutcome = { type, merge_id: mergeId, sent, message };
    return sent ? { decision } : fail(status, { decision });
  };

  const { warehouse, commands } = dashboardContext();
  const prepared = await prepareDecision(
    { warehouse },
    { brandId: brand.brand_id, username: session.username, type, mergeId: posted },
  );
  if (!prepared.ok) return answer(prepared.status, false, prepared.problem);
  try {
    await commands.send(prepared.command);
  } catch (error) {
    // The bus says whether a retry can help; anything else is a bug, answered 500.
    if (!isRetriable(error)) throw error;
    return answer(
      503,
      false,
      'The decision could not be sent: the event bus is unavailable. Try again shortly.',
    );
  }
  return answer(200, true, SENT[type]);
}

function isRetriable(error: unknown): boolean {
  return error instanceof Error && 'retriable' in error && error.retriable === true;
}
