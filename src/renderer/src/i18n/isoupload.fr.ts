import type { isoUploadEn } from './isoupload.en'

/** Supports d’installation (issue 19, point 1) : l’envoi d’ISO de l’assistant et l’éjection de la vue VM. */
export const isoUploadFr: typeof isoUploadEn = {
  isoUpload: {
    open: 'Envoyer une ISO…',
    title: 'Envoyer une ISO sur tous les hôtes',
    intro:
      'Le fichier va dans le pool d’images de chaque hôte par libvirt ; son SHA-256 est comparé sur chaque hôte. Si quoi que ce soit échoue, il ne reste rien sur aucun hôte.',
    file: 'Fichier',
    name: 'Nom sur les hôtes',
    nameHelp: 'Lettres ASCII, chiffres, « . », « _ » et « - », terminé par .iso.',
    nameSuffix: 'Le nom doit se terminer par .iso.',
    sha: 'SHA-256 attendu (facultatif)',
    shaPlaceholder: 'tiré du SHA256SUMS du distributeur',
    shaInvalid: 'Un SHA-256 compte 64 chiffres hexadécimaux.',
    start: 'Envoyer sur tous les hôtes',
    close: 'Fermer',
    preparing: 'Vérification du pool d’images sur tous les hôtes…',
    sending: 'Envoi : {{sent}} sur {{size}}',
    verifying: 'Vérification du SHA-256 sur tous les hôtes…',
    cancel: 'Annuler l’envoi',
    done: '{{name}} est sur {{hosts}}, et choisie comme support d’installation.',
    hostChecked: 'SHA-256 comparé : comme envoyé',
    hostSkipped: 'l’avait déjà avec le même SHA-256 : sauté',
    failed: 'L’envoi a été refusé ou a échoué.',
  },
  vmEject: {
    offer:
      'Son CD-ROM contient encore {{isos}} : une migration exige cette ISO sur la destination. Une fois le système installé, éjectez-le.',
    open: 'Éjecter le CD-ROM…',
    title: 'Éjecter le CD-ROM de {{name}}',
    explain:
      'Vide son CD-ROM ({{isos}}) dans la définition sur chaque hôte qui définit {{name}} ({{hosts}}). Une migration n’a alors plus besoin de l’ISO sur la destination.',
    live: '{{name}} tourne sur {{host}} : le lecteur y est aussi vidé tout de suite (si l’invité l’a verrouillé, il se vide au prochain démarrage).',
    confirm: 'Éjecter',
    cancel: 'Annuler',
    ejecting: 'Éjection du CD-ROM de {{name}}…',
    failed: 'Le CD-ROM n’a pas pu être éjecté.',
    fromMigration: 'Éjecter le CD-ROM…',
  },
}
