// Events the alarms module emits on the in-process bus (platform/events.ts), after the commit.
import type { AlarmState } from './alarms.catalogue.ts';

export interface AlarmChanged {
  alarmId: string;
  communeInsee: string | null;
  state: AlarmState;
  /**
   * created, folded (a repeat), restored, the operator's action, escalated (left `new` past its
   * deadline, or a mandatory step missed past its own), or step (a procedure step ticked).
   */
  change: 'created' | 'folded' | 'restored' | 'take' | 'acknowledge' | 'start' | 'close' | 'escalated' | 'step';
}

declare module '../../platform/events.ts' {
  interface VigieEvents {
    /** An alarm was created or changed: the operators' live queue (alarms.live.ts) follows. */
    'alarm.changed': AlarmChanged;
  }
}
