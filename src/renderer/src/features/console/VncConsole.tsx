import RFB from '@novnc/novnc'
import { useCallback, useEffect, useRef, useState } from 'react'
import { useConsoleFocus } from './use-console-focus'
import { useTranslation } from 'react-i18next'
import type { VncOpened } from '../../../../shared/console'
import { ApiError, type ApiErrorData } from '../../../../shared/errors'
import { keyStrokes, untypable, type KeyboardLayout } from '../../../../shared/keyboard'
import { useApi } from '../../api/context'
import { ErrorText } from '../../components/ErrorText'
import { NetworkHelper } from './NetworkHelper'
import { COMBOS, sendCombo } from './combos'
import { useAppStore } from '../../store'

type Status =
  | { kind: 'connecting' }
  | { kind: 'connected'; opened: VncOpened }
  | { kind: 'wrong-guest'; expected: string; got: string; host: string }
  | { kind: 'closed'; reason: string }
  | { kind: 'error'; error: ApiErrorData }

const MAX_AUTO_RETRIES = 5
/** Gap between typed keys: QEMU and a busy TCG guest drop keys sent much faster. */
const KEY_GAP_MS = 12

/**
 * One VM's VNC console: noVNC over a byte stream through the host's SSH connection. The display is
 * read at every connect, and nothing is shown until the server's desktop name is this VM's. When the
 * VM moves (live migration), the console follows it to its new host.
 */
export function VncConsole({ uuid, visible }: { uuid: string; visible: boolean }) {
  const { t } = useTranslation()
  const api = useApi()
  const screen = useRef<HTMLDivElement>(null)
  useConsoleFocus(screen, api)
  const rfb = useRef<RFB | null>(null)
  const [status, setStatus] = useState<Status>({ kind: 'connecting' })
  const [scale, setScale] = useState(true)
  const [attempt, setAttempt] = useState(0)
  const [typing, setTyping] = useState('')
  const [typeError, setTypeError] = useState<string | null>(null)
  const [showNetwork, setShowNetwork] = useState(false)
  /** Reconnections in a row without reaching the guest: a display that keeps closing is not retried forever. */
  const autoRetries = useRef(0)
  const runningOn = useAppStore((state) => state.vms.find((vm) => vm.uuid === uuid)?.runningOn[0])
  const vmName = useAppStore((state) => state.vms.find((vm) => vm.uuid === uuid)?.name ?? uuid)
  const connectedHost = status.kind === 'connected' ? status.opened.host : undefined

  useEffect(() => {
    let cancelled = false
    let client: RFB | null = null
    setStatus({ kind: 'connecting' })
    api.call('console.openVnc', { uuid }).then(
      (opened) => {
        if (cancelled || !screen.current) {
          void api.call('console.close', { streamId: opened.streamId }).catch(() => undefined)
          return
        }
        client = new RFB(screen.current, api.openStream(opened.streamId), { shared: true })
        rfb.current = client
        client.scaleViewport = scale
        client.background = 'transparent'
        let verified = false
        client.addEventListener('desktopname', (event) => {
          const got = (event as CustomEvent<{ name: string }>).detail.name
          if (got === opened.expectedDesktopName) {
            verified = true
            return
          }
          // The port now belongs to another VM (ports are reused): show nothing of it.
          setStatus({ kind: 'wrong-guest', expected: opened.expectedDesktopName, got, host: opened.host })
          client?.disconnect()
        })
        client.addEventListener('connect', () => {
          if (!verified) return
          autoRetries.current = 0
          setStatus({ kind: 'connected', opened })
        })
        client.addEventListener('disconnect', () => {
          if (cancelled) return
          setStatus((previous) =>
            previous.kind === 'wrong-guest' ? previous : { kind: 'closed', reason: t('console.vncClosed') },
          )
        })
      },
      (error: unknown) => {
        if (!cancelled) setStatus({ kind: 'error', error: ApiError.from(error).toData() })
      },
    )
    return () => {
      cancelled = true
      client?.disconnect()
      rfb.current = null
    }
    // scale is applied below without reconnecting
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, uuid, attempt])

  useEffect(() => {
    if (rfb.current) rfb.current.scaleViewport = scale
  }, [scale])

  // Follow the VM: after a live migration it runs elsewhere; the old display is gone or reused.
  useEffect(() => {
    if (!runningOn) return
    const moved = connectedHost !== undefined && connectedHost !== runningOn
    if (moved || (status.kind === 'closed' && autoRetries.current < MAX_AUTO_RETRIES)) {
      const delay = 300 * 2 ** autoRetries.current
      autoRetries.current += 1
      const timer = setTimeout(() => setAttempt((n) => n + 1), delay)
      return () => clearTimeout(timer)
    }
  }, [runningOn, connectedHost, status.kind])

  const typeText = useCallback(
    async (text: string) => {
      const client = rfb.current
      if (!client || status.kind !== 'connected') return
      const layout: KeyboardLayout = status.opened.keyboardLayout
      const missing = untypable(text, layout)
      if (missing.length > 0) {
        setTypeError(t('console.untypable', { chars: missing.join(' '), layout }))
        return
      }
      setTypeError(null)
      for (const key of keyStrokes(text, layout)) {
        client.sendKey(key.keysym, key.code, key.down)
        if (!key.down) await new Promise((resolve) => setTimeout(resolve, KEY_GAP_MS))
      }
      client.focus()
    },
    [status, t],
  )

  const opened = status.kind === 'connected' ? status.opened : undefined

  return (
    <div className="console vnc-console" data-testid={`vnc-console-${uuid}`} hidden={!visible}>
      <div className="console-toolbar" role="toolbar" aria-label={t('console.toolbar')}>
        <span className="console-status" data-testid="vnc-status" data-status={status.kind}>
          {status.kind === 'connected'
            ? t('console.connectedTo', {
                name: vmName,
                host: status.opened.host,
                port: status.opened.port,
                via: status.opened.via === 'forward' ? 'SSH' : 'nc',
              })
            : status.kind === 'connecting'
              ? t('console.connecting', { name: vmName })
              : ''}
        </span>
        <label className="inline">
          <input type="checkbox" checked={scale} onChange={(event) => setScale(event.target.checked)} />
          {t('console.scale')}
        </label>
        <button onClick={() => rfb.current?.sendCtrlAltDel()} disabled={status.kind !== 'connected'}>
          {t('console.ctrlAltDel')}
        </button>
        <select
          aria-label={t('console.combos')}
          value=""
          disabled={status.kind !== 'connected'}
          onChange={(event) => {
            const combo = COMBOS.find((candidate) => candidate.label === event.target.value)
            if (combo && rfb.current) sendCombo(rfb.current, combo)
          }}
        >
          <option value="">{t('console.combos')}</option>
          {COMBOS.map((combo) => (
            // Key names, as the keyboard prints them: data.
            <option key={combo.label} value={combo.label} translate="no">
              {combo.label}
            </option>
          ))}
        </select>
        {opened && (
          <span
            className="muted small"
            title={t('console.layoutHint')}
            data-testid="vnc-layout"
            data-layout={opened.keyboardLayout}
            data-from={opened.layoutFrom}
          >
            {t('console.layout', {
              layout: t(`vmSettings.layouts.${opened.keyboardLayout}`),
              from: t(`console.layoutFrom.${opened.layoutFrom}`, { keymap: opened.vncKeymap ?? '' }),
            })}
          </span>
        )}
        <button
          onClick={() => setShowNetwork((shown) => !shown)}
          aria-expanded={showNetwork}
          data-testid="console-network"
        >
          {t('console.network')}
        </button>
        <button
          onClick={() => {
            autoRetries.current = 0
            setAttempt((n) => n + 1)
          }}
        >
          {t('console.reconnect')}
        </button>
      </div>
      <form
        className="console-type"
        onSubmit={(event) => {
          event.preventDefault()
          void typeText(typing + '\n').then(() => setTyping(''))
        }}
      >
        <input
          value={typing}
          onChange={(event) => setTyping(event.target.value)}
          placeholder={t('console.typePlaceholder')}
          aria-label={t('console.typeLabel')}
          data-testid="vnc-type-input"
          disabled={status.kind !== 'connected'}
        />
        <button type="submit" disabled={status.kind !== 'connected' || typing === ''}>
          {t('console.typeSend')}
        </button>
      </form>
      {typeError && <p className="error small">{typeError}</p>}
      {showNetwork && (
        <NetworkHelper
          uuid={uuid}
          type={status.kind === 'connected' ? (text) => typeText(text) : undefined}
        />
      )}
      {status.kind === 'wrong-guest' && (
        <p className="error" role="alert" data-testid="vnc-wrong-guest">
          {t('console.wrongGuest', { expected: status.expected, got: status.got, host: status.host })}
        </p>
      )}
      {status.kind === 'closed' && (
        <p className="muted" role="status">
          {status.reason}
        </p>
      )}
      {status.kind === 'error' && <ErrorText error={status.error} />}
      <div
        ref={screen}
        className="vnc-screen"
        data-testid="vnc-screen"
        // Hidden until the desktop name proved it is this VM.
        style={{ visibility: status.kind === 'connected' ? 'visible' : 'hidden' }}
      />
    </div>
  )
}
