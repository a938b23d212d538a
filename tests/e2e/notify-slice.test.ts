// sd_notify from a service's child process (NotifyAccess=all) while the service runs below a slice that
// has its own cgroup: the datagram belongs to the service, the deepest unit whose cgroup holds the sender
// (before, the slice, whose group contains the service's, could take it and READY=1 was lost).
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { type Daemon, startDaemon } from '../helpers/daemon';

const SEND = "import socket,os,time; s=socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.sendto(b'READY=1\\\\nSTATUS=from-child', os.environ['NOTIFY_SOCKET']); time.sleep(1000)";

describe('NotifyAccess=all below a running slice', () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon({
      units: {
        'p.slice': '[Slice]\nMemoryMax=1G\n',
        // the main process is sh; the datagram comes from its child python3
        'n.service': `[Service]\nType=notify\nNotifyAccess=all\nSlice=p.slice\nTimeoutStartSec=20\nExecStart=/bin/sh -c "python3 -c \\"${SEND}\\" & wait"\n`,
      },
      waitRunning: true,
    });
  });
  after(async () => { await d?.stop(); });

  it('READY=1 from the child reaches the service', async (t) => {
    assert.equal((await d.ctl(['start', 'p.slice'])).code, 0);
    if ((await d.ctl(['show', '-p', 'ControlGroup', '--value', 'p.slice'])).stdout.trim() === '') { t.skip('no unit cgroups here'); return; }
    const r = await d.ctl(['start', 'n.service']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await d.ctl(['show', '-p', 'ActiveState,StatusText', 'n.service'])).stdout, 'StatusText=from-child\nActiveState=active\n');
  });
});
