// The audible cue of a new alarm: a beep generated with WebAudio (no sound file), two tones for
// the most urgent priorities; muted or not per user in this browser (localStorage).
const keyOf = (userId: string) => `vigie.alarms.muted.${userId}`;

export function loadMuted(userId: string): boolean {
  try {
    return window.localStorage.getItem(keyOf(userId)) === '1';
  } catch {
    return false;
  }
}

export function saveMuted(userId: string, muted: boolean): void {
  try {
    window.localStorage.setItem(keyOf(userId), muted ? '1' : '0');
  } catch {
    // private mode or full storage: the choice lasts until the page is closed
  }
}

let context: AudioContext | null = null;

/** Beeps (880 Hz, 0.18 s; priorities 1 and 2: twice, then 1,320 Hz). Browsers may keep audio off until the page was clicked. */
export function beep(priority: number): void {
  try {
    context ??= new AudioContext();
    const tones = priority <= 2 ? [880, 1320] : [880];
    tones.forEach((frequency, index) => {
      const audio = context as AudioContext;
      const start = audio.currentTime + index * 0.25;
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.type = 'square';
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.2, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.18);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(start);
      oscillator.stop(start + 0.2);
    });
  } catch {
    // no audio in this browser: the visual cue remains
  }
}
