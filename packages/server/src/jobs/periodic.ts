// A task repeated in the background: the next run is scheduled when the last
// one ends (runs never overlap), a failure is reported and the loop goes on,
// and the timer never keeps the process alive.

/** Runs `task` every `intervalMs` (the first time after `firstDelayMs`) until the returned function is called. */
export function repeatEvery(intervalMs: number, task: () => Promise<unknown>, onError: (error: unknown) => void, firstDelayMs: number = intervalMs): () => void {
  let timer: NodeJS.Timeout | null = null;
  const schedule = () => {
    if (timer) timer = setTimeout(tick, intervalMs).unref();
  };
  const tick = () => {
    task().then(schedule, (error: unknown) => {
      onError(error);
      schedule();
    });
  };
  timer = setTimeout(tick, firstDelayMs).unref();
  return () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
}
