import { spawn } from 'node:child_process'
import { expect } from 'vitest'
import { labHost, sshArgs, waitFor, type LabHostName } from './lab'

/** Types a command on the guest's serial console (`virsh console` as etalab over ssh -tt). */
export async function consoleCommand(
  host: LabHostName,
  vm: string,
  command: string,
  expected: string,
): Promise<string> {
  const child = spawn(
    'ssh',
    [...sshArgs(['-tt']), `etalab@${labHost(host).address}`, `virsh -c qemu:///system console ${vm} --force`],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  )
  let out = ''
  child.stdout.setEncoding('latin1').on('data', (d: string) => (out += d))
  try {
    await waitFor(
      `virsh console ${vm} on ${host} to attach`,
      () => out.includes('Escape character') || undefined,
      15_000,
    )
    child.stdin.write(`${command}\r`)
    await waitFor(`${vm} to answer on its console`, () => out.includes(expected) || undefined, 15_000)
    return out
  } finally {
    child.kill('SIGTERM')
  }
}

/** The runbook's gateway change, typed on the guest's serial console: ifdown, edit, ifup. */
export async function setGuestGateway(host: LabHostName, vm: string, gw: string): Promise<void> {
  const out = await consoleCommand(
    host,
    vm,
    `ifdown eth0; sed -i -r 's/10\\.77\\.1[0-9]\\.254/${gw}/g' /etc/network/interfaces; ifup eth0; route -n | grep UG; echo gw-$((40+2))-set`,
    'gw-42-set',
  )
  expect(out).toMatch(new RegExp(`0\\.0\\.0\\.0\\s+${gw.replace(/\./g, '\\.')}\\s+0\\.0\\.0\\.0\\s+UG`))
}
