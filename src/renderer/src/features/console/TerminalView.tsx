import { AttachAddon } from '@xterm/addon-attach'
import { FitAddon } from '@xterm/addon-fit'
import { Terminal } from '@xterm/xterm'
import '@xterm/xterm/css/xterm.css'
import { useCallback, useEffect, useRef, useState } from 'react'
import { useConsoleFocus } from './use-console-focus'
import { useTranslation } from 'react-i18next'
import { ApiError, type ApiErrorData } from '../../../../shared/errors'
import { WS_CLOSE_SLOW_CLIENT } from '../../../../shared/wire'
import { useApi } from '../../api/context'
import type { ByteChannel } from '../../api/byte-channel'
import { ErrorText } from '../../components/ErrorText'
import { NetworkHelper } from './NetworkHelper'

type Target = { kind: 'serial'; uuid: string } | { kind: 'shell'; host: string }

/**
 * A terminal in a tab: a VM's serial console (`virsh console`, never forced) or a shell on a host as
 * the SSH user. Its size follows the tab (the remote pty is resized); closing the tab closes the channel.
 */
export function TerminalView({ target, visible }: { target: Target; visible: boolean }) {
  const { t } = useTranslation()
  const api = useApi()
  const container = useRef<HTMLDivElement>(null)
  useConsoleFocus(container, api)
  const channel = useRef<ByteChannel | null>(null)
  const [attempt, setAttempt] = useState(0)
  const [state, setState] = useState<
    | { kind: 'opening' }
    | { kind: 'open'; host: string }
    | { kind: 'closed'; reason: string }
    | { kind: 'error'; error: ApiErrorData }
  >({ kind: 'opening' })
  const [showNetwork, setShowNetwork] = useState(false)

  useEffect(() => {
    const element = container.current
    if (!element) return
    const terminal = new Terminal({ cursorBlink: true, fontSize: 13, scrollback: 5000, convertEol: false })
    const fit = new FitAddon()
    terminal.loadAddon(fit)
    terminal.open(element)
    fit.fit()
    let streamId: string | null = null
    let cancelled = false
    setState({ kind: 'opening' })
    const size = { cols: terminal.cols, rows: terminal.rows }
    const opening =
      target.kind === 'serial'
        ? api.call('console.openSerial', { uuid: target.uuid, ...size })
        : api.call('console.openShell', { host: target.host, ...size })
    opening.then(
      (opened) => {
        if (cancelled) return void api.call('console.close', { streamId: opened.streamId })
        streamId = opened.streamId
        const socket = api.openStream(opened.streamId)
        channel.current = socket
        socket.binaryType = 'arraybuffer'
        terminal.loadAddon(new AttachAddon(socket as unknown as WebSocket))
        socket.addEventListener('open', () => setState({ kind: 'open', host: opened.host }))
        socket.addEventListener('close', (event) => {
          const { code, reason: said } = event as CloseEvent
          // Browser mode closed it because this tab stopped reading (ws-flow.ts): say so in the UI's language.
          const reason = code === WS_CLOSE_SLOW_CLIENT ? t('console.slowClient') : said || t('console.closed')
          terminal.write(`\r\n\x1b[33m[${reason}]\x1b[0m\r\n`)
          if (!cancelled) setState({ kind: 'closed', reason })
        })
        terminal.focus()
      },
      (error: unknown) => {
        if (!cancelled) setState({ kind: 'error', error: ApiError.from(error).toData() })
      },
    )
    const onResize = terminal.onResize(({ cols, rows }) => {
      if (streamId) void api.call('console.resize', { streamId, cols, rows }).catch(() => undefined)
    })
    const observer = new ResizeObserver(() => {
      if (element.offsetParent !== null) fit.fit()
    })
    observer.observe(element)
    return () => {
      cancelled = true
      observer.disconnect()
      onResize.dispose()
      channel.current?.close()
      channel.current = null
      terminal.dispose()
    }
    // target is compared by value through the key the dock gives this component
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, attempt])

  const type = useCallback(async (text: string) => {
    // A tty's Enter is a carriage return.
    channel.current?.send(text.replace(/\n/g, '\r'))
  }, [])

  return (
    <div className="console terminal-console" hidden={!visible} data-testid={`terminal-${target.kind}`}>
      <div className="console-toolbar" role="toolbar" aria-label={t('console.toolbar')}>
        <span className="console-status" data-testid="terminal-status" data-status={state.kind}>
          {state.kind === 'open'
            ? target.kind === 'serial'
              ? t('console.serialOn', { host: state.host })
              : t('console.shellOn', { host: state.host })
            : state.kind === 'opening'
              ? t('console.opening')
              : ''}
        </span>
        {target.kind === 'serial' && (
          <button onClick={() => setShowNetwork((shown) => !shown)} aria-expanded={showNetwork}>
            {t('console.network')}
          </button>
        )}
        <button onClick={() => setAttempt((n) => n + 1)}>{t('console.reconnect')}</button>
      </div>
      {showNetwork && target.kind === 'serial' && (
        <NetworkHelper uuid={target.uuid} type={state.kind === 'open' ? type : undefined} />
      )}
      {state.kind === 'error' && <ErrorText error={state.error} />}
      <div
        ref={container}
        className="terminal-screen"
        // What the host or the guest prints: data.
        translate="no"
      />
    </div>
  )
}
