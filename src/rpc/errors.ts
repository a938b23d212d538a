// RpcError: the exception the manager throws for expected failures (stable code + systemctl text + data),
// and constructors for the common ones so messages stay identical everywhere.
// No imports beyond protocol.ts (loaded on the CLI's fast path).
import { ErrorCode, type ErrorData, type JobMode, type JobType, type RpcErrorObject } from './protocol';

export class RpcError extends Error {
  constructor(readonly code: number, message: string, readonly data?: ErrorData) { super(message); }
  toJSON(): RpcErrorObject { return this.data ? { code: this.code, message: this.message, data: this.data } : { code: this.code, message: this.message }; }
}

export const errors = {
  noSuchUnit: (unit: string) => new RpcError(ErrorCode.NO_SUCH_UNIT, `Unit ${unit} not found.`, { unit }),
  notLoaded: (unit: string) => new RpcError(ErrorCode.NOT_LOADED, `Unit ${unit} not loaded.`, { unit }),
  masked: (unit: string) => new RpcError(ErrorCode.UNIT_MASKED, `Unit ${unit} is masked.`, { unit }),
  badSetting: (unit: string) => new RpcError(ErrorCode.BAD_SETTING, `Unit ${unit} has a bad unit file setting.`, { unit }),
  accessDenied: () => new RpcError(ErrorCode.ACCESS_DENIED, 'Access denied'),
  notApplicable: (unit: string, type: JobType) => new RpcError(ErrorCode.JOB_NOT_APPLICABLE, `Job type ${type} is not applicable for unit ${unit}.`, { unit, jobType: type }),
  inactive: (unit: string) => new RpcError(ErrorCode.UNIT_INACTIVE, `Unit ${unit} is not active, cannot reload.`, { unit }),
  refuseManual: (unit: string, what: 'start' | 'stop') => new RpcError(ErrorCode.REFUSE_MANUAL,
    `Operation refused, unit ${unit} may be requested by dependency only (it is configured to refuse manual ${what}).`, { unit }),
  noIsolation: (unit: string) => new RpcError(ErrorCode.NO_ISOLATION, 'Operation refused, unit may not be isolated.', { unit }),
  destructive: (unit: string, type: JobType, other: string, otherType: JobType, _mode: JobMode = 'fail') => new RpcError(ErrorCode.DESTRUCTIVE_TRANSACTION,
    `Transaction for ${unit}/${type} is destructive (${other} has '${otherType}' job queued, but '${type}' is included in transaction).`, { unit }),
  cyclic: (unit: string) => new RpcError(ErrorCode.TRANSACTION_CYCLIC, 'Transaction order is cyclic. See system logs for details.', { unit }),
  conflict: (unit: string, a: JobType, b: JobType) => new RpcError(ErrorCode.TRANSACTION_CONFLICT,
    `Transaction contains conflicting jobs '${a}' and '${b}' for ${unit}. Probably contradicting requirement dependencies configured.`, { unit }),
  invalidArgument: (message: string) => new RpcError(ErrorCode.INVALID_ARGUMENT, message),
  unsupported: (message: string) => new RpcError(ErrorCode.UNSUPPORTED, message),
};
