// Choices the window remembers between runs (the list's mode and sort), in localStorage.

export function remembered<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
  try {
    const v = globalThis.localStorage?.getItem(key);
    return allowed.includes(v as T) ? (v as T) : fallback;
  } catch {
    return fallback;
  }
}

export function remember(key: string, v: string): void {
  try {
    globalThis.localStorage?.setItem(key, v);
  } catch {
    // Private mode or no storage: the choice lasts for this window only.
  }
}
