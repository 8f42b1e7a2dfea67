/** A one-shot message carried across a navigation (e.g. "Deleted" shown on the list). */
export const flash = $state<{ message: string | null }>({ message: null });

export function setFlash(message: string): void {
  flash.message = message;
}

export function takeFlash(): string | null {
  const message = flash.message;
  flash.message = null;
  return message;
}
