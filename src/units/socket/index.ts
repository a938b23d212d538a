// The socket unit type's registry entry (src/units/registry.ts).
import type { UnitTypeDef } from '../registry';
import { SocketMachine } from './machine';

export const SOCKET_TYPE: UnitTypeDef<'socket'> = {
  type: 'socket',
  create: (cfg, host) => new SocketMachine(cfg, host),
  // socket.c's status_message_formats: "Listening on %s." / "Closed %s."
  verbs: { started: () => 'Listening on', stopped: () => 'Closed' },
};
