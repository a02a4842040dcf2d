/**
 * Clock, timers and log over the Moddable runtime: `timer`
 * (modules/base/timer), the wall clock `Date.now()` (set by `Time.set`
 * after SNTP), and `trace()` (to xsbug in `-d` builds, to the serial
 * console in `-i` builds, nowhere in release).
 */
import type { Clock, Log, LogLevel, TimerHandle, Timers } from '../types';
import type { TimerModule } from './io';

/** Wall clock in ms since the epoch. */
export function systemClock(): Clock {
  return { nowMs: () => Date.now() };
}

/** Timers over the `timer` module. */
export function moddableTimers(Timer: TimerModule): Timers {
  return {
    set: (fn: () => void, delayMs: number): TimerHandle => Timer.set(() => fn(), delayMs),
    repeat: (fn: () => void, intervalMs: number): TimerHandle => Timer.repeat(() => fn(), intervalMs),
    clear: (handle: TimerHandle | undefined): void => {
      if (handle !== undefined) Timer.clear(handle);
    },
  };
}

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** A log printing `[level] message` through `print` (pass `trace`), from `min` up. */
export function traceLog(print: (text: string) => void, min: LogLevel = 'info'): Log {
  const floor = LEVELS.indexOf(min);
  return (level: LogLevel, message: string) => {
    if (LEVELS.indexOf(level) >= floor) print(`[${level}] ${message}\n`);
  };
}
