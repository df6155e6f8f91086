// The wall page for the big screens (kiosk mode, issue 5 item 6): placeholder until it lands.
import type { Me } from '../../api/types.ts';

export function WallKiosk({ me, wallId }: { me: Me; wallId: string }) {
  void me;
  return <main className="wall-kiosk" data-wall-id={wallId} />;
}
