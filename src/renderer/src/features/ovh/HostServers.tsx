import { useTranslation } from 'react-i18next'

/** Each host of the cluster file and the OVH server (service name) it is. */
export function HostServers({ hosts }: { hosts: readonly { host: string; serviceName?: string }[] }) {
  const { t } = useTranslation()
  return (
    <>
      <h2>{t('failoverIps.hostsTitle')}</h2>
      <table className="ovh-table ovh-hosts" data-testid="ovh-host-servers">
        <thead>
          <tr>
            <th>{t('failoverIps.host')}</th>
            <th>{t('failoverIps.serviceName')}</th>
          </tr>
        </thead>
        <tbody>
          {hosts.map((host) => (
            <tr key={host.host} data-host={host.host}>
              <td translate="no">{host.host}</td>
              {host.serviceName ? (
                <td translate="no">{host.serviceName}</td>
              ) : (
                <td className="ovh-warn">{t('failoverIps.unmapped')}</td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  )
}
