import { TaskLane } from './task-lane';

// A task that runs until released, recording that it started.
function gate(started: number[], id: number): { task: () => Promise<void>; release: () => void } {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  return {
    task: async () => {
      started.push(id);
      await done;
    },
    release: () => release(),
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('TaskLane', () => {
  it('runs at most maxRunning tasks at once, the others in the order they came', async () => {
    const lane = new TaskLane({ maxRunning: 2, maxWaiting: 10 });
    const started: number[] = [];
    const gates = [0, 1, 2, 3].map((i) => gate(started, i));
    for (const g of gates) await lane.submit(g.task);
    expect(started).toEqual([0, 1]);
    expect(lane.pending).toBe(4);
    gates[1].release();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    gates[0].release();
    await tick();
    expect(started).toEqual([0, 1, 2, 3]);
    gates[2].release();
    gates[3].release();
    await lane.drain();
    expect(lane.pending).toBe(0);
  });

  it('holds a submit back while maxWaiting tasks wait, and takes it once one starts', async () => {
    const lane = new TaskLane({ maxRunning: 1, maxWaiting: 1 });
    const started: number[] = [];
    const [a, b, c] = [0, 1, 2].map((i) => gate(started, i));
    await lane.submit(a.task);
    await lane.submit(b.task);
    let taken = false;
    const third = lane.submit(c.task).then(() => (taken = true));
    await tick();
    expect(taken).toBe(false);
    a.release();
    await third;
    expect(taken).toBe(true);
    expect(started).toEqual([0, 1]);
    b.release();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    c.release();
    await lane.drain();
  });

  it('keeps going after a task fails, and drain waits for the tasks taken', async () => {
    const lane = new TaskLane({ maxRunning: 1, maxWaiting: 5 });
    const ran: string[] = [];
    await lane.submit(async () => {
      ran.push('fails');
      throw new Error('boom');
    });
    await lane.submit(async () => {
      await tick();
      ran.push('after');
    });
    await lane.drain();
    expect(ran).toEqual(['fails', 'after']);
    await expect(lane.drain()).resolves.toBeUndefined();
  });
});
