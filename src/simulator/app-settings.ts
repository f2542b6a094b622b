// The application-management side of the simulated account: the callback URLs of our one application and the
// numbers the account owns, with their country, type and assignment.
export interface OwnedNumber {
  number: string;
  applicationkey?: string;
  capability: 'voice' | 'sms';
  // What queryNumber reports for it; without them the numbering plan decides.
  countryId?: string;
  numberType?: 'Fixed' | 'Mobile' | 'Other' | 'Unknown';
}

// Fictional US numbers (555 range) the simulated account owns from the start.
export const DEFAULT_NUMBERS = ['+15550100001', '+15550100002', '+15550100003'];

export class AppSettings {
  primaryUrl?: string;
  fallbackUrl?: string;
  readonly numbers = new Map<string, OwnedNumber>();

  constructor(private readonly initial: { callbackUrl?: string; numbers: string[]; applicationKey: string }) {
    this.reset();
  }

  reset(): void {
    this.primaryUrl = this.initial.callbackUrl;
    this.fallbackUrl = undefined;
    this.numbers.clear();
    // Owned numbers start assigned to the application, as a configured account would have them.
    for (const number of this.initial.numbers) {
      this.numbers.set(number, {
        number,
        applicationkey: this.initial.applicationKey,
        capability: 'voice',
        ...(number.startsWith('+1555') ? { countryId: 'US', numberType: 'Fixed' as const } : {}),
      });
    }
  }
}
