import { generate } from 'otplib';

const STEP_SECONDS = 30;

/**
 * TOTP codes as an authenticator app makes them. The server accepts the current step and one
 * either side, and never a step at or before the last accepted one; steps now and now+1 stay
 * valid for the whole request even when a step boundary passes meanwhile.
 */
export class Authenticator {
  private lastStep = 0;

  constructor(readonly secret: string) {}

  static currentStep(): number {
    return Math.floor(Date.now() / 1000 / STEP_SECONDS);
  }

  /** A code the server has not seen (waits for the next step when both safe ones are used). */
  async freshCode(): Promise<string> {
    let step = Math.max(this.lastStep + 1, Authenticator.currentStep());
    if (step > Authenticator.currentStep() + 1) {
      await new Promise((resolve) => setTimeout(resolve, (step - 1) * STEP_SECONDS * 1000 - Date.now() + 50));
      step = Math.max(this.lastStep + 1, Authenticator.currentStep());
    }
    this.lastStep = step;
    return this.codeAt(step);
  }

  codeAt(step: number): Promise<string> {
    return generate({ secret: this.secret, epoch: step * STEP_SECONDS });
  }

  /** A well-formed code that is not valid now. */
  async wrongCode(): Promise<string> {
    const valid = new Set(await Promise.all([-1, 0, 1].map((offset) => this.codeAt(Authenticator.currentStep() + offset))));
    for (let n = 0; ; n++) {
      const candidate = String((123_456 + n * 7919) % 1_000_000).padStart(6, '0');
      if (!valid.has(candidate)) return candidate;
    }
  }
}
