/// <reference lib="dom" />
/** The hub's HTTP API (briefs/api.md), typed; errors as ApiError with the hub's stable code. */
import type { Audit, Balance, Block, Book, Contract, EnergyDay, Fault, Household, HouseholdDetail, Rules, Status } from './types';

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

const TOKEN_KEY = 'swarmgrid.adminToken';

/** The admin token lives in sessionStorage: gone when the tab closes. */
export const adminToken = {
  get(): string | null {
    try {
      return sessionStorage.getItem(TOKEN_KEY);
    } catch {
      return null;
    }
  },
  set(token: string): void {
    sessionStorage.setItem(TOKEN_KEY, token);
  },
  clear(): void {
    sessionStorage.removeItem(TOKEN_KEY);
  },
};

async function call<T>(method: string, path: string, body?: unknown, admin = false): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (admin) {
    const t = adminToken.get();
    if (t) headers.authorization = `Bearer ${t}`;
  }
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  } catch (e) {
    throw new ApiError(0, 'E_NETWORK', `the hub did not answer (${(e as Error).message})`);
  }
  const text = await res.text();
  let value: unknown = undefined;
  try {
    value = text ? JSON.parse(text) : undefined;
  } catch {
    throw new ApiError(res.status, 'E_API_BODY_JSON', `the hub answered ${res.status} with something that is not JSON`);
  }
  if (!res.ok) {
    const err = (value as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ApiError(res.status, err?.code ?? `HTTP_${res.status}`, err?.message ?? `HTTP ${res.status}`);
  }
  return value as T;
}

const enc = encodeURIComponent;

export const api = {
  status: () => call<Status>('GET', '/api/status'),
  households: () => call<Household[]>('GET', '/api/households'),
  household: (id: string) => call<HouseholdDetail>('GET', `/api/households/${enc(id)}`),
  book: () => call<Book>('GET', '/api/book'),
  contracts: (state: 'open' | 'settled' | 'all' = 'all') => call<Contract[]>('GET', `/api/contracts?state=${state}`),
  blocks: (from?: number, limit = 20) => call<Block[]>('GET', `/api/ledger/blocks?${from === undefined ? '' : `from=${from}&`}limit=${limit}`),
  balances: () => call<Balance[]>('GET', '/api/ledger/balances'),
  audit: () => call<Audit>('GET', '/api/ledger/audit'),
  energy: (day: string) => call<EnergyDay>('GET', `/api/energy?day=${enc(day)}`),
  faults: () => call<Fault[]>('GET', '/api/faults'),
  rules: () => call<Rules>('GET', '/api/rules'),
  admit: (body: { household: string; name: string; nodeKey?: string; meterKey?: string }) => call<Record<string, unknown>>('POST', '/api/members', body, true),
  putRules: (body: { priceBand?: { minPriceUnitsPerKWh: number; maxPriceUnitsPerKWh: number }; endowmentMilliUnits?: number }) => call<Rules>('PUT', '/api/rules', body, true),
};
