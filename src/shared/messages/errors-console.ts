/**
 * The errors of consoles and host shells (console/consoles.ts): the `consoleErrors` area. French:
 * src/renderer/src/i18n/errors-console.fr.ts.
 */
export const CONSOLE_ERROR_TEXTS = {
  displayUnreadable: 'virsh domdisplay printed a display Hyperdesk cannot read.',
  vmUnknown: 'No VM with UUID {{uuid}} is known on any connected host.',
  vmUnknownHint: 'Refresh the inventory, or check that its hosts are online.',
  runningTwice: '{{name}} runs on {{hosts, list}}: Hyperdesk will not guess which console you want.',
  runningTwiceHint: 'Stop the copy that should not run (see the VM view), then open its console.',
  hostUnreachable: '{{name}} was running on {{host}}, which is not reachable now.',
  hostUnreachableHint: 'Hyperdesk reconnects by itself; the console opens once the host is back.',
  notRunning: '{{name}} is not running: it has no console to show.',
  notRunningHint: 'Start it first (the console then shows its boot).',
  noVnc: '{{name}} on {{host}} has no VNC display.',
  noVncHint: "Add a <graphics type='vnc' listen='127.0.0.1'/> to its definition (then sync it).",
  displayFailed: 'Cannot read the display of {{name}} on {{host}}.',
  checkLibvirtHint: 'Check libvirtd on that host (host view › doctor).',
  serialBusy: 'Someone else is on the serial console of {{name}} on {{host}}.',
  serialBusyHint:
    'Hyperdesk never takes it over (virsh console --force would cut them off): ask them to leave it (Ctrl+]), or use the VNC console.',
  noSerial: '{{name}} has no serial console.',
  noSerialHint:
    "Use the VNC console, or add <serial type='pty'/> and <console type='pty'/> to its definition.",
  serialFailed: 'The serial console of {{name}} on {{host}} did not open.',
  serialNoAnswer: 'The serial console of {{name}} on {{host}} did not answer within 10 s.',
  closed: 'This console is closed.',
  closedHint: 'Open it again.',
  shellFailed: 'Cannot open a shell on {{host}}.',
  vncChannelFailed: 'Cannot open the VNC channel on {{host}}.',
  vncNcFailed: 'Cannot open the VNC channel through nc on {{host}}.',
  vncNcHint:
    'sshd forbids TCP forwarding there (AllowTcpForwarding): allow it for this user, or install netcat-openbsd on the host.',
  serialChannelFailed: 'Cannot open the serial console on {{host}}.',
  droppedHint: 'The connection may have just dropped; Hyperdesk reconnects by itself. Try again.',
} as const
