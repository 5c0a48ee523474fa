/**
 * Button data (Telegram callback data, at most 64 bytes): the one place its formats are
 * written and read.
 *
 * - `c:<flow>:<step>:<value>`: the answer `value` to the question `step` of `flow`;
 * - `p:<poll>:<n>`: option `n` of a poll.
 */
export type Callback =
  | { kind: 'answer'; flowId: string; stepId: string; value: string }
  | { kind: 'poll'; pollId: string; option: number };

const MAX_BYTES = 64;

/** The data of a button answering a flow's question. */
export function answerData(flowId: string, stepId: string, value: string): string {
  return `c:${flowId}:${stepId}:${value}`.slice(0, MAX_BYTES);
}

/** The data of a button choosing a poll's option (numbered from 1). */
export function pollData(pollId: string, option: number): string {
  return `p:${pollId}:${option}`;
}

/** Reads button data; undefined for data Chimba did not write. */
export function decodeCallback(data: string | undefined): Callback | undefined {
  if (!data) return undefined;
  const answer = /^c:([^:]+):([^:]+):(.*)$/.exec(data);
  if (answer) return { kind: 'answer', flowId: answer[1], stepId: answer[2], value: answer[3] };
  const poll = /^p:([^:]+):(\d{1,2})$/.exec(data);
  if (poll) return { kind: 'poll', pollId: poll[1], option: Number(poll[2]) };
  return undefined;
}
