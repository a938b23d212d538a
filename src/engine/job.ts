// A job: one requested state change of one unit. The same object lives in a transaction (with its
// dependency links, "matters" flag and cycle-search marker) and, once applied, as the unit's installed
// job. Invariant: an installed job is `unit.job`; at most one per unit; ids are unique and increasing.
import type { JobResult, JobState, JobType } from './types';
import type { Unit } from './graph';

/** transaction.c's JobDependency: `subject` pulled `object` in. */
export interface JobLink { subject: Job; object: Job; matters: boolean; conflicts: boolean }

export class Job {
  state: JobState = 'waiting';
  installed = false;
  irreversible = false;
  ignoreOrder = false;
  result: JobResult | null = null;
  // transaction-only bookkeeping
  matters = false;
  generation = 0;
  marker: Job | null = null;
  deleted = false;
  subjects: JobLink[] = [];   // links where this job is the subject (jobs it pulled in)
  objects: JobLink[] = [];    // links where this job is the object (jobs that pulled it in)
  // run-time bookkeeping
  timer: unknown = null;
  inRunQueue = false;
  constructor(readonly id: number, public unit: Unit, public type: JobType) {}
  get name(): string { return `${this.unit.id}/${this.type}`; }
  info(): JobInfo { return { id: this.id, unit: this.unit.id, type: this.type, state: this.state }; }
}

/** What callers see of a job (listJobs, enqueue results, callbacks). */
export interface JobInfo { id: number; unit: string; type: JobType; state: JobState }
