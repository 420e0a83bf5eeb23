import type { MessageCatalog } from '../../../shared/messages/message'

/** The vmdef jobs' steps and log lines in French (English: shared/messages/vmdef-steps.ts). */
export const vmdefStepsFr: MessageCatalog['vmdefSteps'] = {
  checkOk: 'ok : {{check, message}}',
  checkInfo: 'info : {{check, message}}',
  checkWarn: 'avertissement : {{check, message}}',
  checkFail: 'échec : {{check, message}}',
  checkUnknown: 'inconnu : {{check, message}}',
  checkingHostsAndSource: 'Vérification de chaque hôte et de la source',
  snapshotting: 'Instantané de {{image}} ({{snapshot}})',
  flattening: 'Aplatissement de {{image}}',
  createdNotStarted:
    'La VM a été créée sur chaque hôte mais n’a pas démarré sur {{host}} : {{error, message}}',
  normalisedDifferently:
    'Les hôtes ont normalisé la définition différemment (versions de libvirt différentes) : la vue de la VM montre quelles lignes.',
  notThere: '{{what}} : absent',
  removed: '{{what}} : supprimé',
  notRemoved: '{{what}} : suppression impossible : {{error, message}}',
  notDefinedThere: '{{host}} : pas définie là',
  undefinedOn: '{{host}} : définition supprimée',
  notUndefined: '{{host}} : définition non supprimée : {{error, message}}',
  notTagged: '{{image}} : non supprimée, elle ne porte pas la marque de cette opération ({{meta}})',
  notDefinedAgain: '{{host}} : {{name}} n’a pas pu être redéfinie : {{error, message}}',
  imagesToRename: 'Images à renommer : {{images}}',
  restored: '{{host}} : {{name}} restaurée',
  notRestored: '{{host}} : {{name}} n’a pas pu être restaurée : {{error, message}}',
  notRenamedBack: '{{image}} : le renommage n’a pas pu être annulé : {{error, message}}',
  definingEdited: '{{host}} : définition de {{name}} modifiée',
  autostartOn: '{{host}} : démarrage automatique activé',
  autostartOff: '{{host}} : démarrage automatique désactivé',
  liveChange: '{{host}} : {{command}} sur {{name}} en marche',
  liveFailedBecause: '{{failed, message}} ({{why}})',
  previousNotBack:
    '{{host}} : la définition précédente de {{name}} n’a pas pu être remise : {{error, message}}',
  ejecting: 'Éjection de {{target}} de {{name}} sur {{host}}',
  ejectingLive: 'Éjection de {{target}} de {{name}} sur {{host}} (aussi à chaud)',
  isoCheckingPool: 'Vérification du pool d’images {{pool}} sur {{hosts}}',
  diskGrowingLive: '{{host}} : agrandissement à chaud de {{target}} ({{image}})',
  diskGrowingOffline: 'Agrandissement de {{image}} avec rbd resize',
  isoCreating: 'Création de {{name}} ({{size, size}}) dans {{pool}} sur {{host}}',
  isoSending: 'Envoi de {{name}} vers {{hosts}}',
  isoSendingNone:
    'Rien à envoyer pour {{name}} : chaque hôte a déjà un fichier de ce nom (SHA-256 seulement)',
  isoChecking: 'Vérification du SHA-256 de {{name}} sur {{hosts}}',
  isoChecksumOk: 'SHA-256 sur {{host}} : {{sha256}}, identique à l’envoi.',
  isoDeleting: 'Suppression de {{name}} de {{pool}} sur {{host}}',
}
