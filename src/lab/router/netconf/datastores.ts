/**
 * What one router's NETCONF sessions share: the candidate datastore, the locks, a pending confirmed commit
 * and the session numbers. Running is the RouterState itself (config-tree.ts), so the CLI and NETCONF see
 * one configuration; a CLI `configure terminal` takes no NETCONF lock, as on IOS XE.
 */
import type { RouterState } from '../state.js';
import { applyTree, runningTree } from './config-tree.js';
import { RpcError } from './rpc-error.js';
import { cloneTree, sameTree, type DataNode } from './tree.js';

export type Datastore = 'running' | 'candidate';

interface PendingConfirm {
  readonly rollback: DataNode;
  readonly sessionId: number;
  readonly persist?: string;
  timer: NodeJS.Timeout;
}

export class Datastores {
  private candidateTree: DataNode | undefined;
  private readonly locks = new Map<Datastore, number>();
  private pending: PendingConfirm | undefined;
  private transaction = 0;

  constructor(
    private readonly state: RouterState,
    /** Called after the running config changed: who, for the config's "Last configuration change" line. */
    private readonly changed: (by: string) => void,
  ) {}

  /** A copy of the datastore's `/native` tree. */
  read(store: Datastore): DataNode {
    return store === 'candidate' && this.candidateTree ? cloneTree(this.candidateTree) : runningTree(this.state);
  }

  /** Replaces the datastore's content (an edit-config result). */
  write(store: Datastore, tree: DataNode, sessionId: number, by: string): void {
    this.checkLock(store, sessionId);
    if (store === 'candidate') this.candidateTree = tree;
    else this.applyRunning(tree, by);
  }

  holder(store: Datastore): number | undefined {
    return this.locks.get(store);
  }

  /** `in-use` when another session holds the lock (RFC 6241 7.2, edit-config on a locked target). */
  checkLock(store: Datastore, sessionId: number): void {
    const holder = this.locks.get(store);
    if (holder !== undefined && holder !== sessionId) {
      throw new RpcError({
        type: 'protocol',
        tag: 'in-use',
        message: `the ${store} datastore is locked by session ${holder}`,
        info: { 'session-id': String(holder) },
      });
    }
  }

  lock(store: Datastore, sessionId: number): void {
    const holder = this.locks.get(store);
    if (holder !== undefined) {
      // ConfD's wording as IOS XE passes it on is not captured. [unverified]
      throw new RpcError({
        type: 'protocol',
        tag: 'lock-denied',
        message: `the configuration database is locked by session ${holder}`,
        info: { 'session-id': String(holder) },
      });
    }
    if (store === 'candidate' && this.candidateTree && !sameTree(this.candidateTree, runningTree(this.state))) {
      // RFC 6241 8.3.5.1: a candidate with uncommitted changes cannot be locked.
      throw new RpcError({ type: 'protocol', tag: 'lock-denied', message: 'the candidate has uncommitted changes', info: { 'session-id': '0' } });
    }
    this.locks.set(store, sessionId);
  }

  unlock(store: Datastore, sessionId: number): void {
    if (this.locks.get(store) !== sessionId) {
      throw new RpcError({ type: 'protocol', tag: 'operation-failed', message: `the ${store} datastore is not locked by this session` });
    }
    this.locks.delete(store);
    // RFC 6241 8.3.5.2: releasing the candidate lock discards what was not committed.
    if (store === 'candidate') this.candidateTree = undefined;
  }

  discard(sessionId: number): void {
    this.checkLock('candidate', sessionId);
    this.candidateTree = undefined;
  }

  /**
   * `commit`: the candidate becomes running. With `confirmed`, running goes back to what it was unless a
   * confirming commit arrives within `timeoutS` (RFC 6241 8.4).
   */
  commit(sessionId: number, by: string, confirm?: { readonly timeoutS: number; readonly persist?: string }, persistId?: string): void {
    this.checkLock('running', sessionId);
    const pending = this.pending;
    if (pending && !confirm) {
      if (pending.persist !== undefined ? persistId !== pending.persist : pending.sessionId !== sessionId) {
        throw new RpcError({ type: 'protocol', tag: 'operation-failed', message: 'a confirmed commit from another session is pending' });
      }
      clearTimeout(pending.timer);
      this.pending = undefined;
    }
    const before = runningTree(this.state);
    if (this.candidateTree) this.applyRunning(this.candidateTree, by);
    this.candidateTree = undefined;
    if (confirm) {
      if (pending) clearTimeout(pending.timer);
      const rollback = pending?.rollback ?? before;
      this.pending = {
        rollback,
        sessionId,
        ...(confirm.persist !== undefined ? { persist: confirm.persist } : {}),
        timer: setTimeout(() => this.rollBack(by), confirm.timeoutS * 1000),
      };
      this.pending.timer.unref();
    }
  }

  cancelCommit(sessionId: number, by: string, persistId?: string): void {
    const pending = this.pending;
    if (!pending) throw new RpcError({ type: 'protocol', tag: 'operation-failed', message: 'no confirmed commit is pending' });
    if (pending.persist !== undefined ? persistId !== pending.persist : pending.sessionId !== sessionId) {
      throw new RpcError({ type: 'protocol', tag: 'invalid-value', message: 'the pending confirmed commit belongs to another session' });
    }
    this.rollBack(by);
  }

  /** A session ended: its locks go, and so does its unconfirmed commit (unless made persistent). */
  sessionEnded(sessionId: number, by: string): void {
    for (const [store, holder] of [...this.locks]) if (holder === sessionId) this.unlock(store, sessionId);
    if (this.pending?.sessionId === sessionId && this.pending.persist === undefined) this.rollBack(by);
  }

  stop(): void {
    if (this.pending) clearTimeout(this.pending.timer);
    this.pending = undefined;
  }

  private rollBack(by: string): void {
    const pending = this.pending;
    if (!pending) return;
    clearTimeout(pending.timer);
    this.pending = undefined;
    this.applyRunning(pending.rollback, by);
  }

  private applyRunning(tree: DataNode, by: string): void {
    if (sameTree(tree, runningTree(this.state))) return;
    applyTree(this.state, tree);
    this.transaction += 1;
    // IOS XE logs NETCONF/RESTCONF changes from its DMI infrastructure, not as %SYS-5-CONFIG_I.
    this.state.syslog.log('DMI', 5, 'CONFIG_I', `R0/0: nesd: Configured from NETCONF/RESTCONF by ${by}, transaction-id ${this.transaction}`);
    this.changed(by);
  }
}
