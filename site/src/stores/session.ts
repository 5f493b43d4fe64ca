/**
 * The signed-in session: token, its expiry and the caller's profile (`GET /me`).
 * A plain reactive store persisted in localStorage so a reload keeps the user signed in.
 */
import { reactive, readonly, type DeepReadonly } from 'vue';
import { authApi, type Account, type Credentials, type Me } from '../api/auth';

export type { Account, Credentials, Me };
/** The signed-in user as the read-only store hands it out. */
export type MeView = DeepReadonly<Me>;

interface SessionState {
  token: string | null;
  expiresAt: string | null;
  me: Me | null;
  /** Time of the last user interaction (ms), used to decide whether to refresh the token. */
  lastActivity: number;
}

const STORAGE_KEY = 'xyd.session';

function load(): Pick<SessionState, 'token' | 'expiresAt'> {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) return { token: null, expiresAt: null };
    const parsed = JSON.parse(raw) as { token?: string; expiresAt?: string };
    if (!parsed.token || !parsed.expiresAt || Date.parse(parsed.expiresAt) <= Date.now()) {
      return { token: null, expiresAt: null };
    }
    return { token: parsed.token, expiresAt: parsed.expiresAt };
  } catch {
    return { token: null, expiresAt: null };
  }
}

const state = reactive<SessionState>({ ...load(), me: null, lastActivity: Date.now() });

function persist(): void {
  if (state.token && state.expiresAt) {
    localStorage.setItem(STORAGE_KEY, JSON.stringify({ token: state.token, expiresAt: state.expiresAt }));
  } else {
    localStorage.removeItem(STORAGE_KEY);
  }
}

/** Counts user input as activity so only an active user's token gets refreshed. */
if (typeof window !== 'undefined') {
  const touch = (): void => {
    state.lastActivity = Date.now();
  };
  for (const type of ['pointerdown', 'keydown', 'wheel', 'touchstart']) {
    window.addEventListener(type, touch, { passive: true, capture: true });
  }
}

export const session = {
  state: readonly(state),

  get token(): string | null {
    return state.token;
  },
  get expiresAt(): string | null {
    return state.expiresAt;
  },
  get me(): Me | null {
    return state.me;
  },
  get isSignedIn(): boolean {
    return !!state.token;
  },
  get lastActivity(): number {
    return state.lastActivity;
  },

  setToken(token: string, expiresAt: string): void {
    state.token = token;
    state.expiresAt = expiresAt;
    persist();
  },

  setMe(me: Me | null): void {
    state.me = me;
  },

  clear(): void {
    state.token = null;
    state.expiresAt = null;
    state.me = null;
    persist();
  },
};

/** Whether the user interacted with the page within the last `withinMs` milliseconds. */
export function isUserActive(withinMs = 10 * 60 * 1000): boolean {
  return Date.now() - state.lastActivity < withinMs;
}

/** Loads the caller's profile, scope and modules (`GET /me`). */
export async function loadMe(): Promise<Me> {
  const me = await authApi.me();
  session.setMe(me);
  return me;
}

/** Signs in with an SMS code or a password, then loads `/me`. Throws ApiError on failure. */
export async function login(credentials: Credentials): Promise<Me> {
  const answer = await authApi.login(credentials);
  session.setToken(answer.token, answer.expiresAt);
  const me = await loadMe();
  if (answer.mustSetPassword && !me.mustSetPassword) session.setMe({ ...me, mustSetPassword: true });
  return session.me!;
}

/** Ends the session on the server (best effort) and forgets it locally. */
export async function logout(): Promise<void> {
  if (session.token) {
    try {
      await authApi.logout();
    } catch {
      // The token may already be dead; the local session is cleared anyway.
    }
  }
  session.clear();
}

/** Sets or changes the own password; the server revokes the account's other sessions. */
export async function changePassword(newPassword: string, currentPassword?: string): Promise<void> {
  await authApi.changePassword(currentPassword ? { currentPassword, newPassword } : { newPassword });
  if (session.me) session.setMe({ ...session.me, mustSetPassword: false });
}
