import { JobQueueDeclaration } from 'src/jobs/job-declaration';
import { findUnhandledJobs } from 'src/jobs/job-handler-check';

const callouts = new JobQueueDeclaration<{ dial: object; sweep: object }>(
  'callouts',
  { completed: { age: 60, count: 10 }, failed: { age: 60, count: 10 } },
  { dial: {}, sweep: {} },
);

describe('findUnhandledJobs', () => {
  it('passes when every declared job has a handler', () => {
    expect(findUnhandledJobs([{ name: 'callouts', declaration: callouts }], [{ className: 'P', queue: 'callouts', handles: ['dial', 'sweep'] }])).toBeNull();
  });

  it('names the queue and the job that no processor handles, on one line', () => {
    const message = findUnhandledJobs([{ name: 'callouts', declaration: callouts }], [{ className: 'P', queue: 'callouts', handles: ['dial'] }]);
    expect(message).toBe('Job handlers missing: queue "callouts": no handler for job "sweep"');
  });

  it('counts a queue with no processor at all, and handlers on another queue do not count', () => {
    const message = findUnhandledJobs([{ name: 'callouts', declaration: callouts }], [{ className: 'Other', queue: 'reconciler', handles: ['dial', 'sweep'] }]);
    expect(message).toBe('Job handlers missing: queue "callouts": no handler for job "dial", "sweep"');
  });

  it('refuses a registered queue without a declaration and a processor without jobHandlers', () => {
    const message = findUnhandledJobs([{ name: 'stray', declaration: undefined }], [{ className: 'Bare', queue: 'stray', handles: undefined }]);
    expect(message).toBe(
      'Job handlers missing: processor Bare (queue "stray") declares no jobHandlers; queue "stray" is registered but has no job declaration (declareJobs in a *.jobs.ts)',
    );
  });
});
