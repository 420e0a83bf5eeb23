import { UPDATE_TEXTS } from '../../../shared/updates'

/** Strings of the release notice (en); one top-level key, `updates`. The sentences are the core's own table. */
export const updatesEn = {
  updates: {
    texts: UPDATE_TEXTS,
    open: 'Open the release page',
    dismiss: 'Dismiss',
  },
}
