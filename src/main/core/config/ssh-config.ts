import fs from 'node:fs'
import os from 'node:os'
import type { ClusterConfig, HostConfig } from '../../../shared/config'
import type { ResolvedHost, SshConfigHost, SshConfigImport } from '../../../shared/contract'
import { msg } from '../../../shared/messages/message'
import { HostNameSchema } from '../../../shared/validators'
import { stepFields, type ApiErrorData } from '../../../shared/errors'
import { sshMessage } from '../../../shared/ssh-texts'
import { expandHome } from '../paths'
import {
  listHostAliases,
  readOpenSshConfig,
  type SshConfigRefusal,
  type SshEnvironment,
} from './openssh-config'

/**
 * Applies ~/.ssh/config to the cluster's hosts, as OpenSSH users expect. The file is read by
 * openssh-config.ts exactly as `ssh -G` reads it (a focused reader: the `ssh-config` package kept
 * keywords' case, had no Include scoping, no %-tokens and no Match evaluation, so it answered
 * differently from ssh). This file decides precedence, as ssh does with its command line:
 * a value set on the host in the cluster file (like -p, -l, -i) > ~/.ssh/config > the cluster file's
 * ssh defaults (user, identityFile, knownHostsFile) > OpenSSH's defaults.
 */

/** Directives the app applies (lower-case keywords). Anything else found for a host is reported. */
const SUPPORTED_DIRECTIVES = new Set([
  'hostname',
  'user',
  'port',
  'identityfile',
  'identitiesonly',
  'identityagent',
  'proxyjump',
  'userknownhostsfile',
  'globalknownhostsfile',
  'stricthostkeychecking',
])

// Directives that do not change how the app connects, so listing them as "ignored" would be noise.
const HARMLESS_DIRECTIVES = new Set([
  'serveraliveinterval',
  'serveralivecountmax',
  'addkeystoagent',
  'forwardagent',
  'forwardx11',
  'compression',
  'loglevel',
  'hashknownhosts',
  'controlmaster',
  'controlpath',
  'controlpersist',
  'sendenv',
  'setenv',
  'usekeychain',
  'ignoreunknown',
])

/** Who the app runs as: the passwd home for `~` and %d, $HOME for Include (as ssh does). */
export function sshEnvironment(home?: string, env: NodeJS.ProcessEnv = process.env): SshEnvironment {
  const info = os.userInfo()
  return {
    home: home ?? info.homedir,
    includeHome: home ?? env.HOME ?? info.homedir,
    localUser: info.username,
    thisHost: os.hostname(),
    uid: info.uid,
    env,
  }
}

function refusalError(refusal: SshConfigRefusal): ApiErrorData {
  return {
    code: 'host.ssh-config',
    message: refusal.message,
    ...stepFields(msg('errorSteps.readSshConfig')),
    hint: refusal.hint,
    details: {
      text: refusal.text,
      hintText: refusal.hintText,
      params: refusal.params,
      ...(refusal.problemText ? { problemText: refusal.problemText } : {}),
    },
  }
}

/**
 * One cluster host as it will be reached. `sshConfigFile` is undefined when the cluster file says not
 * to use ~/.ssh/config (OpenSSH's defaults still apply, e.g. the host name is lower-cased).
 */
export function resolveHost(
  host: HostConfig,
  cluster: ClusterConfig,
  sshConfigFile: string | undefined,
  env: SshEnvironment = sshEnvironment(),
): ResolvedHost {
  const files = cluster.ssh.useSshConfig && sshConfigFile ? [sshConfigFile] : []
  const ssh = readOpenSshConfig(files, host.address, env, {
    ...(host.port !== undefined ? { port: host.port } : {}),
    ...(host.user !== undefined ? { user: host.user } : {}),
    ...(host.identityFile !== undefined ? { identityFiles: [host.identityFile] } : {}),
  })
  const applied = ssh.applied
  const clusterKey = cluster.ssh.identityFile
  const configured = ssh.defaultIdentityFiles ? [] : ssh.identityFiles
  // The cluster file's key comes after the config's, as a default; OpenSSH's ~/.ssh/id_* only when
  // nothing at all is set (auth.ts offers those that exist).
  const identityFiles = [...configured, ...(clusterKey ? [expandHome(clusterKey, env.home)] : [])]

  const resolved: ResolvedHost = {
    name: host.name,
    hostname: ssh.hostname,
    port: ssh.port,
    user: host.user ?? (applied.has('user') ? ssh.user : cluster.ssh.user),
    identityFiles: [...new Set(identityFiles)],
    identitiesOnly: ssh.identitiesOnly,
    fromSshConfig: applied.size > 0,
    migrationAddress: host.migrationAddress ?? host.address,
    ignoredDirectives: [
      ...[...applied]
        .filter(([keyword]) => !SUPPORTED_DIRECTIVES.has(keyword) && !HARMLESS_DIRECTIVES.has(keyword))
        .map(([, written]) => written),
      ...ssh.unknownKeywords,
    ],
  }
  if (ssh.identityAgent && ssh.identityAgent !== 'SSH_AUTH_SOCK') resolved.identityAgent = ssh.identityAgent
  if (ssh.proxyJump) resolved.proxyJump = ssh.proxyJump
  if (ssh.userKnownHostsSet) resolved.userKnownHostsFiles = ssh.userKnownHostsFiles
  if (ssh.globalKnownHostsSet) resolved.globalKnownHostsFiles = ssh.globalKnownHostsFiles
  if (ssh.strictHostKeyChecking !== 'ask') resolved.strictHostKeyChecking = ssh.strictHostKeyChecking
  if (host.gateway) resolved.gateway = host.gateway
  if (host.ovhServiceName) resolved.ovhServiceName = host.ovhServiceName
  if (ssh.refusal) resolved.refusal = refusalError(ssh.refusal)
  else if (ssh.userKnownHostsSet && (ssh.userKnownHostsFiles[0] ?? '/dev/null') === '/dev/null') {
    // Keys could be neither checked against nor kept: refused, never silently "not checked".
    const params = { alias: host.address, value: ssh.userKnownHostsFiles[0] ?? 'none' }
    resolved.refusal = {
      code: 'host.ssh-config',
      message: sshMessage('configKnownHostsNone', params),
      ...stepFields(msg('errorSteps.readSshConfig')),
      hint: sshMessage('configFixHint', params),
      details: { text: 'configKnownHostsNone', hintText: 'configFixHint', params },
    }
  }
  return resolved
}

/**
 * The hosts ~/.ssh/config names, each resolved as ssh would reach it, for the first run's import.
 * Read with the same reader as the connections (openssh-config.ts); ssh itself is never run.
 */
export function sshConfigHosts(
  sshConfigFile: string,
  env: SshEnvironment = sshEnvironment(),
): SshConfigImport {
  if (!fs.existsSync(sshConfigFile))
    return {
      file: sshConfigFile,
      hosts: [],
      problem: msg('clusterFile.sshConfigMissing', { file: sshConfigFile }),
    }
  const listed = listHostAliases([sshConfigFile], env)
  if (listed.refusal) return { file: sshConfigFile, hosts: [], refusal: refusalError(listed.refusal) }
  const hosts = listed.aliases.map(({ alias, file, line }): SshConfigHost => {
    const ssh = readOpenSshConfig([sshConfigFile], alias, env)
    const label = alias.split('.')[0] ?? alias
    const host: SshConfigHost = {
      alias,
      hostname: ssh.hostname,
      port: ssh.port,
      user: ssh.user,
      identityFiles: ssh.defaultIdentityFiles ? [] : ssh.identityFiles,
      file,
      line,
    }
    if (HostNameSchema.safeParse(label).success) host.name = label
    if (ssh.refusal) host.refusal = refusalError(ssh.refusal)
    return host
  })
  if (hosts.length === 0)
    return { file: sshConfigFile, hosts, problem: msg('clusterFile.sshConfigEmpty', { file: sshConfigFile }) }
  return { file: sshConfigFile, hosts }
}
