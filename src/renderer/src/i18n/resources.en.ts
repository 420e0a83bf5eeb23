import { UNIT_LABELS_EN } from '../../../shared/messages'
import { MESSAGES_EN } from '../../../shared/messages/catalog'
import { cephEn } from './ceph.en'
import { clusterEn } from './cluster.en'
import { consoleEn } from './console.en'
import { desktopEn } from './desktop.en'
import { en } from './en'
import { fencingEn } from './fencing.en'
import { isoUploadEn } from './isoupload.en'
import { maintenanceEn } from './maintenance.en'
import { messageResources, pseudoText, mapStrings } from './messages'
import { migrationEn } from './migration.en'
import { ovhUiEn } from './ovhui.en'
import { setupEn } from './setup.en'
import { statusEn } from './status.en'
import { storageEn } from './storage.en'
import { updatesEn } from './updates.en'
import { vmCloneEn } from './vmclone.en'
import { vmEditEn } from './vmedit.en'
import { vmWizardEn } from './vmwizard.en'

/**
 * Every UI string in English: the UI catalogs, the core's messages and the unit labels. A message
 * area must not share a name with a UI namespace (test/unit/messages.test.ts checks it): the spread
 * would replace one with the other. A chunk of its own, loaded when the window is in English (or
 * as the fallback after the first paint in French): see ./index.ts.
 */
export const englishResources = {
  ...en,
  ...clusterEn,
  ...migrationEn,
  ...storageEn,
  ...cephEn,
  ...maintenanceEn,
  ...consoleEn,
  ...updatesEn,
  ...desktopEn,
  ...fencingEn,
  ...statusEn,
  ...setupEn,
  ...vmWizardEn,
  ...ovhUiEn,
  ...vmEditEn,
  ...isoUploadEn,
  ...vmCloneEn,
  ...messageResources(MESSAGES_EN),
  units: UNIT_LABELS_EN,
}

/**
 * English with every catalog string marked, except `common.untranslated`: English the core has not
 * converted to messages yet stays unmarked, so the walk test points at it.
 */
export function pseudoResources(): typeof englishResources {
  const marked = mapStrings(englishResources, pseudoText)
  return { ...marked, common: { ...marked.common, untranslated: englishResources.common.untranslated } }
}
