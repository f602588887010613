// The alert sound: off by default, remembered in localStorage, a short tone
// made with the Web Audio API (no audio files). Browsers only let a page make
// sound after a user gesture, so the audio context opens when sound is turned on.
const STORAGE_KEY = 'signalroom.alert-sound';

type Tone = 'firing' | 'resolved';
/** Two short notes: rising for a firing, falling for a resolve. */
const NOTES: Record<Tone, [number, number]> = { firing: [660, 880], resolved: [660, 440] };

export class AlertSound {
  enabled = $state(false);
  #context: AudioContext | null = null;

  /** Reads the remembered choice; call in the browser (onMount). */
  restore(): void {
    try {
      this.enabled = localStorage.getItem(STORAGE_KEY) === 'on';
    } catch {
      this.enabled = false; // storage blocked: stay quiet
    }
  }

  toggle(): void {
    this.enabled = !this.enabled;
    try {
      localStorage.setItem(STORAGE_KEY, this.enabled ? 'on' : 'off');
    } catch {
      // Not remembered, but still on for this page.
    }
    if (this.enabled) this.play('firing');
  }

  play(tone: Tone): void {
    if (!this.enabled || typeof AudioContext === 'undefined') return;
    this.#context ??= new AudioContext();
    const context = this.#context;
    void context.resume();
    const start = context.currentTime;
    NOTES[tone].forEach((frequency, index) => {
      const at = start + index * 0.16;
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.type = 'sine';
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.25, at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.14);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(at);
      oscillator.stop(at + 0.15);
    });
  }
}
