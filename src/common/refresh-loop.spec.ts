import type { Logger } from '@nestjs/common';
import { startRefreshing } from './refresh-loop';

describe('startRefreshing', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('loads once before returning, reloads every interval, keeps going after a failure, and stops', async () => {
    const warn = jest.fn();
    let calls = 0;
    const refresh = jest.fn(() => (++calls === 2 ? Promise.reject(new Error('db down')) : Promise.resolve()));
    const stop = await startRefreshing({ warn } as unknown as Logger, 'rooms', 1000, refresh);
    expect(refresh).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1000);
    expect(refresh).toHaveBeenCalledTimes(2);
    expect(warn).toHaveBeenCalledWith({ err: expect.any(Error) }, 'Reloading rooms failed; keeping the previous ones');
    await jest.advanceTimersByTimeAsync(1000);
    expect(refresh).toHaveBeenCalledTimes(3);
    stop();
    await jest.advanceTimersByTimeAsync(5000);
    expect(refresh).toHaveBeenCalledTimes(3);
  });

  it('fails the start when the first load fails', async () => {
    await expect(startRefreshing({ warn: jest.fn() } as unknown as Logger, 'rooms', 1000, () => Promise.reject(new Error('db down')))).rejects.toThrow(
      'db down',
    );
    expect(jest.getTimerCount()).toBe(0);
  });
});
