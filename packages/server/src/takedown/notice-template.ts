// Takedown notices, in French and English. Written to carry what a notice
// under Article 16 of the EU Digital Services Act must (why the content is
// illegal, its exact location, who sends the notice and how to reach them, a
// statement of good faith) and, for French hosts, the LCEN's notice, so that
// a host cannot claim it was not properly informed.
//
// The notice never names or describes the victim, and never attaches the
// content: the URL is enough for the host to find it.

export type NoticeLanguage = 'fr' | 'en';

/** What the analyst decided about the content; minors are worded as what the law calls it. */
export type NoticeCategory = 'adult' | 'minor';

export interface NoticeInput {
  readonly language: NoticeLanguage;
  readonly reference: string;
  readonly url: string;
  readonly category: NoticeCategory;
  readonly aiGenerated: boolean;
  readonly hotline: { readonly name: string; readonly email: string };
  /** The host's name from the directory, or null for a host we know nothing about. */
  readonly hostName: string | null;
  readonly date: Date;
}

export interface RenderedNotice {
  readonly subject: string;
  readonly text: string;
}

export function renderNotice(input: NoticeInput): RenderedNotice {
  return input.language === 'fr' ? french(input) : english(input);
}

function english(n: NoticeInput): RenderedNotice {
  const what =
    n.category === 'minor'
      ? 'sexual content depicting a person who was a minor when it was made (child sexual abuse material)'
      : 'intimate content of a person shared without their consent';
  const synthetic = n.aiGenerated ? ' The content was produced or altered with artificial intelligence (a "deepfake"); it depicts a real, identifiable person.' : '';
  const law =
    n.category === 'minor'
      ? 'Its distribution is a criminal offence in the European Union (Directive 2011/93/EU) and in virtually every jurisdiction. The competent authorities have been informed.'
      : 'Sharing intimate images without consent is an offence in the European Union (Directive (EU) 2024/1385) and in most jurisdictions.';
  return {
    subject: `[${n.reference}] Notice of illegal content — request for removal`,
    text: [
      `To ${n.hostName ?? 'the abuse team'},`,
      '',
      `${n.hotline.name} reports the following content, hosted on your service, as illegal, and asks you to remove it or disable access to it without delay:`,
      '',
      `  ${n.url}`,
      '',
      `Why it is illegal: the content is ${what}. The person depicted, or someone acting for them, reported it to us, and one of our analysts has verified it.${synthetic} ${law}`,
      '',
      'This notice is sent under Article 16 of Regulation (EU) 2022/2065 (Digital Services Act). We state in good faith that the information in it is accurate and complete.',
      '',
      'Please do not forward the content itself to us. Please preserve any data you may be legally required to keep for the authorities.',
      '',
      `Notice reference: ${n.reference} (please quote it in any reply)`,
      `Date: ${n.date.toISOString().slice(0, 10)}`,
      `Sent by: ${n.hotline.name} <${n.hotline.email}>`,
      '',
      `We will check the address again until the content is no longer available.`,
    ].join('\n'),
  };
}

function french(n: NoticeInput): RenderedNotice {
  const what =
    n.category === 'minor'
      ? "un contenu sexuel représentant une personne mineure au moment des faits (contenu pédocriminel)"
      : "un contenu intime d'une personne diffusé sans son consentement";
  const synthetic = n.aiGenerated ? " Le contenu a été produit ou modifié au moyen de l'intelligence artificielle (« hypertrucage ») ; il représente une personne réelle et identifiable." : '';
  const law =
    n.category === 'minor'
      ? 'Sa diffusion constitue une infraction pénale (article 227-23 du code pénal ; directive 2011/93/UE). Les autorités compétentes en ont été informées.'
      : "Sa diffusion sans le consentement de la personne constitue une infraction pénale (articles 226-2-1 et 226-8-1 du code pénal ; directive (UE) 2024/1385).";
  return {
    subject: `[${n.reference}] Notification de contenu illicite — demande de retrait`,
    text: [
      `À l'attention de ${n.hostName ?? "l'équipe abus"},`,
      '',
      `${n.hotline.name} vous notifie le contenu suivant, hébergé sur votre service, comme manifestement illicite, et vous demande de le retirer ou d'en rendre l'accès impossible dans les meilleurs délais :`,
      '',
      `  ${n.url}`,
      '',
      `Motif : il s'agit d'${what}. La personne représentée, ou une personne agissant pour elle, nous l'a signalé, et l'un de nos analystes l'a vérifié.${synthetic} ${law}`,
      '',
      "Cette notification est adressée en application de l'article 16 du règlement (UE) 2022/2065 (règlement sur les services numériques) et de l'article 6 de la loi n° 2004-575 du 21 juin 2004 pour la confiance dans l'économie numérique. Nous déclarons de bonne foi que les informations qu'elle contient sont exactes et complètes.",
      '',
      "Merci de ne pas nous transmettre le contenu lui-même, et de conserver les données que la loi vous impose de garder pour les autorités.",
      '',
      `Référence de la notification : ${n.reference} (à rappeler dans toute réponse)`,
      `Date : ${n.date.toISOString().slice(0, 10)}`,
      `Envoyée par : ${n.hotline.name} <${n.hotline.email}>`,
      '',
      "Nous vérifierons à nouveau l'adresse jusqu'à ce que le contenu ne soit plus accessible.",
    ].join('\n'),
  };
}
