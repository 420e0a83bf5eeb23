import type { MessageCatalog } from '../../../shared/messages/message'

/** The firewall's errors and job titles in French: every key of shared/messages/errors-firewall.ts. */
export const firewallErrorsFr: MessageCatalog['firewallErrors'] = {
  helperFailed: 'L’outil de pare-feu a échoué sur {{host}} (code de sortie {{exitCode}}).',
  helperMissingHint: 'Installez {{helper}} sur {{host}} (root:root 0755, docs/hosts.md).',
  sudoRefusedHint:
    'Autorisez exactement cet outil dans sudoers sur {{host}} : « etalab ALL=(root) NOPASSWD: {{helper}} » (docs/hosts.md).',
  helperHint:
    'Lisez le message de l’outil ; /etc/etalab.conf doit définir IPS_FAILOVER sur une seule ligne d’adresses IPv4.',
  changeFailedHint:
    'Corrigez ce que le message indique sur cet hôte, puis relancez la modification : les hôtes déjà modifiés la gardent (voir l’écart).',
  titleAdd: 'Ajouter {{ip}} au pare-feu de chaque hôte',
  titleRemove: 'Retirer {{ip}} du pare-feu de chaque hôte',
}
