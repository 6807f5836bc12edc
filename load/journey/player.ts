/** A simulated player as the test data describes it (amounts in API units, 6 implied decimals). */
export interface PlayerProfile {
  readonly alias: string;
  readonly currency: string;
  readonly jurisdiction: string;
  readonly language: string;
  readonly device: 'mobile' | 'desktop';
  readonly balance: number;
}
