/** Awaits a call that must fail with `type`; returns the error so a test can look at it. */
export async function caught<E extends Error>(promise: Promise<unknown>, type: abstract new (...args: never[]) => E): Promise<E> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof type) return err;
    throw err;
  }
  throw new Error(`expected a ${type.name}, the call succeeded`);
}
