// A time limit for a wait whose callers must not hang (a publish, a status read).

/** A promise that rejects after `ms` unless cancelled first. */
export function deadlineAfter(
  ms: number,
  error: () => Error,
): { promise: Promise<never>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(error()), ms);
  });
  // The caller races it; this only keeps a race it lost from counting as "unhandled".
  promise.catch(() => {});
  return { promise, cancel: () => clearTimeout(timer) };
}
