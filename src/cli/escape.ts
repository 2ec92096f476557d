/**
 * Making text safe to print on a terminal. A saved model is a file anyone can hand you, and
 * what the CLI prints from it (its `libraryVersion`, the paths in its manifest quoted by an
 * error) could carry escape sequences that clear the screen or draw fake results. Everything
 * printed from a file goes through {@link escapeControl}.
 */

/** C0 controls, DEL and C1 controls (U+0080–U+009F, where 8-bit CSI and OSC live). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * Replaces every control character in `text` (C0 U+0000–U+001F, including ESC, CR and line
 * breaks; DEL U+007F; C1 U+0080–U+009F) with its `\xHH` escape, so a terminal shows it instead
 * of obeying it. Other characters, including non-ASCII letters, are kept.
 *
 * @param text - Text that may come from a file.
 * @returns The text, printable as one line.
 *
 * @example
 * ```ts
 * escapeControl('0.1.0\u001b[2J'); // '0.1.0\\x1b[2J'
 * escapeControl('café'); // 'café'
 * ```
 */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
