// Arrow keys and Page Up / Page Down steer the selected PTZ camera while held (several at once
// combine: up + left goes diagonally); releasing the last one stops it.
import { useEffect, useMemo, useRef } from 'react';
import type { PtzVelocity } from '../../api/types.ts';
import type { PtzMover } from './ptz-control.ts';

const clamp = (value: number) => Math.max(-1, Math.min(1, value));

export function usePtzKeys(mover: PtzMover | null, speed: number): { down(key: string, velocity: PtzVelocity): void } {
  const pressed = useRef(new Map<string, PtzVelocity>());
  const moverRef = useRef(mover);
  const speedRef = useRef(speed);
  moverRef.current = mover;
  speedRef.current = speed;

  const apply = useMemo(
    () => () => {
      const current = moverRef.current;
      if (!current) return;
      let pan = 0;
      let tilt = 0;
      let zoom = 0;
      for (const velocity of pressed.current.values()) {
        pan += velocity.pan;
        tilt += velocity.tilt;
        zoom += velocity.zoom;
      }
      const scale = (value: number) => Math.round(clamp(value) * speedRef.current * 100) / 100 || 0;
      current.press({ pan: scale(pan), tilt: scale(tilt), zoom: scale(zoom) });
    },
    [],
  );

  useEffect(() => {
    const onKeyUp = (event: KeyboardEvent) => {
      if (pressed.current.delete(event.key)) apply();
    };
    const releaseAll = () => {
      if (pressed.current.size === 0) return;
      pressed.current.clear();
      apply();
    };
    window.addEventListener('keyup', onKeyUp);
    window.addEventListener('blur', releaseAll);
    return () => {
      window.removeEventListener('keyup', onKeyUp);
      window.removeEventListener('blur', releaseAll);
    };
  }, [apply]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: keys held for the previous camera's mover are forgotten when the mover changes
  useEffect(() => () => pressed.current.clear(), [mover]);

  return useMemo(
    () => ({
      down(key: string, velocity: PtzVelocity) {
        if (pressed.current.has(key)) return; // auto-repeat: the mover renews the move itself
        pressed.current.set(key, velocity);
        apply();
      },
    }),
    [apply],
  );
}
