/**
 * How the engine learns of quotas on runs beyond its own limits (an organization's plan) without
 * depending on the lib that keeps them: that lib binds the implementation. Unbound, nothing is counted.
 */
export abstract class RunQuotas {
  /**
   * Counts a run of the user's against their quotas; rejects (429) past one. Undefined when nothing
   * counts their runs, so the common case costs no promise.
   */
  abstract admit(userId: string): Promise<void> | undefined;
}
