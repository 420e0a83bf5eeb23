import type { SETUP_TEXTS } from '../../../shared/setup-texts'

/** The first run's and the cluster file editor's messages in French (shared/setup-texts.ts). */
export const setupTextsFr: Record<keyof typeof SETUP_TEXTS, string> = {
  hostBusy:
    '{{host}} ne peut pas être retiré du fichier du cluster : « {{job}} » est en cours sur cet hôte. Attendez la fin (ou annulez-la dans Opérations), puis retirez l’hôte.',
  hostInMaintenance:
    '{{host}} ne peut pas être retiré du fichier du cluster : il est en maintenance. Terminez ou abandonnez la maintenance d’abord.',
  removeHint: 'Rien n’a été écrit : le fichier du cluster est resté tel quel.',
  sshConfigMissing: 'Il n’y a pas de {{file}} : rien à importer. Saisissez les hôtes à la main.',
  sshConfigEmpty:
    '{{file}} ne nomme aucun hôte (seulement des motifs comme « Host * ») : saisissez les hôtes à la main.',
}
