import { cephFr } from './ceph.fr'
import { clusterFr } from './cluster.fr'
import { consoleFr } from './console.fr'
import { desktopFr } from './desktop.fr'
import { fencingFr } from './fencing.fr'
import { fr } from './fr'
import { isoUploadFr } from './isoupload.fr'
import { maintenanceFr } from './maintenance.fr'
import { frenchSpacing, mapStrings, messageResources, UNIT_LABELS_FR } from './messages'
import { messagesFr } from './messages.fr'
import { migrationFr } from './migration.fr'
import { ovhUiFr } from './ovhui.fr'
import { setupFr } from './setup.fr'
import { statusFr } from './status.fr'
import { storageFr } from './storage.fr'
import { updatesFr } from './updates.fr'
import { vmCloneFr } from './vmclone.fr'
import { vmEditFr } from './vmedit-ui.fr'
import { vmWizardFr } from './vmwizard.fr'

/**
 * Every UI string in French, with French spacing before ":", ";", "!", "?". A chunk of its own,
 * loaded before the first paint when the window is in French: see ./index.ts.
 */
export const frenchResources = mapStrings(
  {
    ...fr,
    ...clusterFr,
    ...migrationFr,
    ...storageFr,
    ...cephFr,
    ...maintenanceFr,
    ...consoleFr,
    ...updatesFr,
    ...desktopFr,
    ...fencingFr,
    ...statusFr,
    ...setupFr,
    ...vmWizardFr,
    ...ovhUiFr,
    ...vmEditFr,
    ...isoUploadFr,
    ...vmCloneFr,
    ...messageResources(messagesFr),
    units: UNIT_LABELS_FR,
  },
  frenchSpacing,
)
