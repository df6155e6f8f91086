// Events the alarms module emits on the in-process bus (platform/events.ts), after the commit.
import type { AlarmState } from './alarms.catalogue.ts';

export interface AlarmChanged {
  alarmId: string;
  communeInsee: string | null;
  state: AlarmState;
  /** created, folded (a repeat), restored, or the operator's action. */
  change: 'created' | 'folded' | 'restored' | 'take' | 'acknowledge' | 'start' | 'close';
}

declare module '../../platform/events.ts' {
  interface VigieEvents {
    /** An alarm was created or changed: the operators' queue (console, WebSocket to come) follows. */
    'alarm.changed': AlarmChanged;
  }
}
