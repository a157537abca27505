//! What demo readers write: a passage quoted from the article (when they quote one) and why they
//! think it is wrong, in each language the demo uses and fitting each category. Invented, but
//! written the way readers write to a newsroom, so the dashboard reads like a real desk.

use crate::reports::Category;

pub struct Sample {
    pub passage: Option<&'static str>,
    pub explanation: &'static str,
}

const fn quoted(passage: &'static str, explanation: &'static str) -> Sample {
    Sample {
        passage: Some(passage),
        explanation,
    }
}

const fn unquoted(explanation: &'static str) -> Sample {
    Sample {
        passage: None,
        explanation,
    }
}

/// The languages the texts exist in; a report's language is always one of them.
pub const LANGUAGES: [&str; 5] = ["en", "de", "fr", "es", "zh"];

/// The samples for a category in a language (English for a language without texts).
pub fn samples(category: Category, language: &str) -> &'static [Sample] {
    use Category::*;
    match (language, category) {
        ("de", FalseClaim) => &DE_FALSE_CLAIM,
        ("de", MisleadingContext) => &DE_MISLEADING,
        ("de", ManipulatedMedia) => &DE_MEDIA,
        ("de", FabricatedQuote) => &DE_QUOTE,
        ("de", Outdated) => &DE_OUTDATED,
        ("de", Impersonation) => &DE_IMPERSONATION,
        ("de", Other) => &DE_OTHER,
        ("fr", FalseClaim) => &FR_FALSE_CLAIM,
        ("fr", MisleadingContext) => &FR_MISLEADING,
        ("fr", ManipulatedMedia) => &FR_MEDIA,
        ("fr", FabricatedQuote) => &FR_QUOTE,
        ("fr", Outdated) => &FR_OUTDATED,
        ("fr", Impersonation) => &FR_IMPERSONATION,
        ("fr", Other) => &FR_OTHER,
        ("es", FalseClaim) => &ES_FALSE_CLAIM,
        ("es", MisleadingContext) => &ES_MISLEADING,
        ("es", ManipulatedMedia) => &ES_MEDIA,
        ("es", FabricatedQuote) => &ES_QUOTE,
        ("es", Outdated) => &ES_OUTDATED,
        ("es", Impersonation) => &ES_IMPERSONATION,
        ("es", Other) => &ES_OTHER,
        ("zh", FalseClaim) => &ZH_FALSE_CLAIM,
        ("zh", MisleadingContext) => &ZH_MISLEADING,
        ("zh", ManipulatedMedia) => &ZH_MEDIA,
        ("zh", FabricatedQuote) => &ZH_QUOTE,
        ("zh", Outdated) => &ZH_OUTDATED,
        ("zh", Impersonation) => &ZH_IMPERSONATION,
        ("zh", Other) => &ZH_OTHER,
        (_, FalseClaim) => &EN_FALSE_CLAIM,
        (_, MisleadingContext) => &EN_MISLEADING,
        (_, ManipulatedMedia) => &EN_MEDIA,
        (_, FabricatedQuote) => &EN_QUOTE,
        (_, Outdated) => &EN_OUTDATED,
        (_, Impersonation) => &EN_IMPERSONATION,
        (_, Other) => &EN_OTHER,
    }
}

const EN_FALSE_CLAIM: [Sample; 3] = [
    quoted(
        "Unemployment has doubled since the spring, according to official figures.",
        "The statistics office's monthly release shows unemployment rising from 5.1% in April to 5.4% in October. That is a rise of 0.3 points, not a doubling. The table is on page 3 of the October bulletin.",
    ),
    quoted(
        "The new bridge cost taxpayers £2 billion.",
        "The council's published accounts put the total cost of the bridge at £212 million. £2 billion was the budget for the whole transport plan, of which the bridge is only one part.",
    ),
    quoted(
        "Turnout in the referendum was the lowest on record.",
        "The electoral commission gives a turnout of 61.2%. The 2011 referendum had 42%, so this was nowhere near the lowest on record.",
    ),
];
const EN_MISLEADING: [Sample; 3] = [
    quoted(
        "Crime in the city centre has risen by 40%.",
        "The 40% rise is in reported bicycle thefts only, from 50 to 70 cases. Overall recorded crime in the centre fell slightly, according to the same police statistics. The headline gives completely the wrong impression.",
    ),
    quoted(
        "Doctors warn the vaccine causes heart problems.",
        "The study you link found a rare, mostly mild myocarditis in about 1 in 50,000 young men, and says the risk after an infection is higher. The article leaves that out, so readers will think the vaccine is dangerous for everyone.",
    ),
    quoted(
        "House prices fell sharply last month.",
        "Prices fell 0.8% month on month, which happens every winter. Compared with a year ago they are still 4% higher. Without the seasonal context this reads like a crash.",
    ),
];
const EN_MEDIA: [Sample; 2] = [
    quoted(
        "Thousands gathered outside parliament on Saturday (photo).",
        "This picture is from the climate strike in September 2019, not from this Saturday. A reverse image search finds it on a news agency's site dated 20 September 2019. Saturday's crowd was much smaller.",
    ),
    quoted(
        "Video shows the minister stumbling at the summit.",
        "The clip has been slowed down. In the full broadcast from the summit the minister walks normally. His voice is also lower in your version, which is typical of slowed-down footage.",
    ),
];
const EN_QUOTE: [Sample; 2] = [
    quoted(
        "\u{201c}We will close every rural hospital,\u{201d} the health minister said.",
        "I have read the full transcript of the press conference on the ministry's website. The minister never said this. She said that two rural hospitals would merge their emergency departments.",
    ),
    quoted(
        "The mayor told reporters: \u{201c}Cyclists are a menace.\u{201d}",
        "This quote comes from a parody account on social media, not from the mayor. The mayor's office denied it the same day, and there is no recording of him saying it.",
    ),
];
const EN_OUTDATED: [Sample; 2] = [
    quoted(
        "A recent study shows that the drug halves the risk of stroke.",
        "The journal retracted that study in March because of errors in the data. The article presents it as current evidence and does not mention the retraction.",
    ),
    quoted(
        "The base rate currently stands at 2%.",
        "The central bank raised the rate to 3.25% last month. The article was published this week but uses last year's figure.",
    ),
];
const EN_IMPERSONATION: [Sample; 2] = [
    unquoted(
        "A website at example-times-news.com copies your layout and logo and publishes an invented story under your name, claiming the election has been postponed. The link is being shared widely on messaging apps today.",
    ),
    unquoted(
        "A social media account calling itself \u{201c}Example Times Breaking\u{201d} is posting screenshots of articles you never published. It uses your logo as its profile picture.",
    ),
];
const EN_OTHER: [Sample; 2] = [
    quoted(
        "The river burst its banks in Northfield on Tuesday.",
        "The town in the pictures is Southfield, not Northfield. They are 30 km apart, and Northfield was not flooded at all.",
    ),
    unquoted(
        "The chart of energy prices has no labels on its axes and no source, so there is no way to check what it actually shows.",
    ),
];

const DE_FALSE_CLAIM: [Sample; 2] = [
    quoted(
        "Die Arbeitslosigkeit hat sich seit dem Frühjahr verdoppelt.",
        "Laut Statistischem Bundesamt stieg die Arbeitslosenquote von 5,1 % im April auf 5,4 % im Oktober. Das ist ein Anstieg um 0,3 Prozentpunkte, keine Verdopplung.",
    ),
    quoted(
        "Beim Referendum stimmten fast 80 Prozent mit Ja.",
        "Nach dem amtlichen Endergebnis lag der Ja-Anteil bei 58,3 Prozent. Die 80 Prozent stammen aus einer Umfrage, die Wochen vor der Abstimmung gemacht wurde.",
    ),
];
const DE_MISLEADING: [Sample; 2] = [
    quoted(
        "Die Mieten in der Stadt sind um 30 Prozent gestiegen.",
        "Die 30 Prozent beziehen sich auf zehn Jahre, nicht auf das letzte Jahr, wie der Artikel nahelegt. Laut Mietspiegel sind die Mieten im vergangenen Jahr um 3,1 Prozent gestiegen.",
    ),
    quoted(
        "Immer mehr Schulen schließen wegen Lehrermangels.",
        "Im Artikel werden drei Schulen genannt, die zusammengelegt wurden, und zwar weil es zu wenige Schüler gab, nicht zu wenige Lehrkräfte. So steht es auch in der Pressemitteilung des Kultusministeriums.",
    ),
];
const DE_MEDIA: [Sample; 2] = [
    quoted(
        "Das Foto zeigt die überfüllte Notaufnahme am vergangenen Wochenende.",
        "Das Bild stammt aus einem Krankenhaus in Italien vom März 2020. Die umgekehrte Bildersuche führt zu einer Agenturmeldung aus dieser Zeit.",
    ),
    quoted(
        "Im Video ist zu sehen, wie Demonstranten Polizisten angreifen.",
        "Das Video wurde gekürzt. In der vollständigen Aufnahme sieht man, dass die Polizei zuerst Pfefferspray einsetzt. Die ersten 40 Sekunden fehlen in Ihrer Fassung.",
    ),
];
const DE_QUOTE: [Sample; 2] = [
    quoted(
        "\u{201e}Die Rente mit 70 kommt\u{201c}, sagte der Arbeitsminister.",
        "Ich habe mir die ganze Rede im Bundestag angesehen, das Plenarprotokoll ist online. Dieser Satz fällt nicht. Der Minister sagte im Gegenteil, eine Rente mit 70 sei \u{201e}nicht geplant\u{201c}.",
    ),
    quoted(
        "Die Bürgermeisterin erklärte: \u{201e}Radfahrer haben in der Innenstadt nichts verloren.\u{201c}",
        "Das Zitat stammt von einem Satire-Account. Die Stadtverwaltung hat es noch am selben Tag dementiert.",
    ),
];
const DE_OUTDATED: [Sample; 2] = [
    quoted(
        "Der Leitzins liegt derzeit bei 2 Prozent.",
        "Die Zentralbank hat den Leitzins letzten Monat auf 3,25 Prozent angehoben. Der Artikel ist von dieser Woche, nennt aber den Wert vom Vorjahr.",
    ),
    quoted(
        "Laut einer aktuellen Studie halbiert das Medikament das Schlaganfallrisiko.",
        "Die Fachzeitschrift hat die Studie im März zurückgezogen, weil die Daten fehlerhaft waren. Davon steht nichts im Artikel.",
    ),
];
const DE_IMPERSONATION: [Sample; 2] = [
    unquoted(
        "Unter example-times-news.com gibt es eine Seite, die Ihr Layout und Ihr Logo kopiert. Dort steht unter Ihrem Namen ein erfundener Artikel, wonach die Wahl verschoben wurde. Der Link wird gerade massenhaft über Messenger geteilt.",
    ),
    unquoted(
        "Ein Social-Media-Konto namens \u{201e}Example Times Eilmeldung\u{201c} verbreitet Screenshots von Artikeln, die Sie nie veröffentlicht haben. Als Profilbild nutzt es Ihr Logo.",
    ),
];
const DE_OTHER: [Sample; 2] = [
    quoted(
        "Am Dienstag trat der Fluss in Nordstadt über die Ufer.",
        "Auf den Fotos ist Südstadt zu sehen, nicht Nordstadt. Die beiden Orte liegen 30 Kilometer auseinander, und Nordstadt war gar nicht betroffen.",
    ),
    unquoted(
        "In der Grafik zu den Energiepreisen fehlen Achsenbeschriftungen und Quelle. So lässt sich nicht nachprüfen, was sie eigentlich zeigt.",
    ),
];

const FR_FALSE_CLAIM: [Sample; 2] = [
    quoted(
        "Le chômage a doublé depuis le printemps.",
        "Selon l'Insee, le taux de chômage est passé de 7,1 % en avril à 7,4 % en octobre. C'est une hausse de 0,3 point, pas un doublement.",
    ),
    quoted(
        "Le nouveau pont a coûté 2 milliards d'euros aux contribuables.",
        "D'après les comptes publiés par la métropole, le pont a coûté 212 millions d'euros. Les 2 milliards correspondent à l'ensemble du plan de transport, dont le pont n'est qu'une partie.",
    ),
];
const FR_MISLEADING: [Sample; 2] = [
    quoted(
        "La délinquance a augmenté de 40 % dans le centre-ville.",
        "Les 40 % ne concernent que les vols de vélos, passés de 50 à 70 plaintes. D'après les mêmes chiffres de la préfecture, la délinquance globale a légèrement baissé. Le titre donne une fausse impression.",
    ),
    quoted(
        "Les prix de l'immobilier s'effondrent.",
        "Les prix ont baissé de 0,8 % sur un mois, comme chaque hiver. Sur un an, ils sont encore en hausse de 4 %. Sans ce contexte, on croit à un krach.",
    ),
];
const FR_MEDIA: [Sample; 2] = [
    quoted(
        "Des milliers de manifestants devant l'Assemblée samedi (photo).",
        "Cette photo date de la marche pour le climat de septembre 2019. Une recherche d'image inversée la retrouve sur le site d'une agence de presse, datée du 21 septembre 2019.",
    ),
    quoted(
        "La vidéo montre le ministre qui trébuche au sommet.",
        "La vidéo a été ralentie. Dans l'enregistrement intégral diffusé en direct, le ministre marche normalement ; sa voix est d'ailleurs plus grave dans votre version, signe typique d'un ralentissement.",
    ),
];
const FR_QUOTE: [Sample; 2] = [
    quoted(
        "\u{ab}\u{a0}Nous fermerons tous les hôpitaux de campagne\u{a0}\u{bb}, a déclaré la ministre de la Santé.",
        "J'ai lu la transcription complète de la conférence de presse sur le site du ministère. La ministre n'a jamais dit cela : elle a annoncé la fusion des urgences de deux hôpitaux.",
    ),
    quoted(
        "Le maire a lancé : \u{ab}\u{a0}Les cyclistes sont un fléau.\u{a0}\u{bb}",
        "Cette citation vient d'un compte parodique sur les réseaux sociaux. La mairie l'a démentie le jour même, et il n'en existe aucun enregistrement.",
    ),
];
const FR_OUTDATED: [Sample; 2] = [
    quoted(
        "Selon une étude récente, ce médicament réduit de moitié le risque d'AVC.",
        "La revue a retiré cette étude en mars à cause d'erreurs dans les données. L'article la présente comme une référence actuelle sans mentionner le retrait.",
    ),
    quoted(
        "Le taux directeur est actuellement de 2 %.",
        "La banque centrale a relevé son taux directeur à 3,25 % le mois dernier. L'article date de cette semaine mais reprend le chiffre de l'an dernier.",
    ),
];
const FR_IMPERSONATION: [Sample; 2] = [
    unquoted(
        "Un site, example-times-news.com, copie votre maquette et votre logo et publie sous votre nom un faux article annonçant le report des élections. Le lien circule massivement sur les messageries depuis ce matin.",
    ),
    unquoted(
        "Un compte \u{ab}\u{a0}Example Times Info\u{a0}\u{bb} sur les réseaux sociaux publie des captures d'écran d'articles que vous n'avez jamais publiés. Il utilise votre logo comme photo de profil.",
    ),
];
const FR_OTHER: [Sample; 2] = [
    quoted(
        "La rivière est sortie de son lit mardi à Villeneuve.",
        "La ville qu'on voit sur les photos est Villefranche, pas Villeneuve. Les deux communes sont à 30 km l'une de l'autre, et Villeneuve n'a pas été inondée.",
    ),
    unquoted(
        "Le graphique sur les prix de l'énergie n'a ni légende sur les axes ni source : impossible de vérifier ce qu'il montre.",
    ),
];

const ES_FALSE_CLAIM: [Sample; 2] = [
    quoted(
        "El paro se ha duplicado desde la primavera.",
        "Según el INE, la tasa de paro pasó del 11,1 % en abril al 11,4 % en octubre. Es una subida de tres décimas, no una duplicación.",
    ),
    quoted(
        "El nuevo puente costó a los contribuyentes 2.000 millones de euros.",
        "Las cuentas publicadas por el ayuntamiento cifran el coste total del puente en 212 millones. Los 2.000 millones son el presupuesto de todo el plan de transporte, del que el puente es solo una parte.",
    ),
];
const ES_MISLEADING: [Sample; 2] = [
    quoted(
        "La delincuencia en el centro ha subido un 40 %.",
        "El 40 % se refiere solo a los robos de bicicletas, que pasaron de 50 a 70 denuncias. Según el mismo balance policial, la delincuencia total bajó ligeramente. El titular da una impresión equivocada.",
    ),
    quoted(
        "Los médicos advierten de que la vacuna provoca problemas cardíacos.",
        "El estudio que citan encontró miocarditis, casi siempre leve, en uno de cada 50.000 varones jóvenes, y señala que el riesgo tras la infección es mayor. El artículo omite esa parte.",
    ),
];
const ES_MEDIA: [Sample; 2] = [
    quoted(
        "Miles de personas se concentraron el sábado ante el Congreso (foto).",
        "La foto es de la huelga por el clima de septiembre de 2019, no de este sábado. Una búsqueda inversa de imágenes la encuentra en la web de una agencia, con fecha del 27 de septiembre de 2019.",
    ),
    quoted(
        "El vídeo muestra al ministro tropezando en la cumbre.",
        "El vídeo está ralentizado. En la grabación completa de la retransmisión el ministro camina con normalidad; además, en su versión la voz suena más grave, algo típico de un vídeo ralentizado.",
    ),
];
const ES_QUOTE: [Sample; 2] = [
    quoted(
        "\u{ab}Cerraremos todos los hospitales rurales\u{bb}, afirmó la ministra de Sanidad.",
        "He leído la transcripción completa de la rueda de prensa en la web del ministerio. La ministra no dijo eso: anunció que dos hospitales comarcales unificarán sus urgencias.",
    ),
    quoted(
        "El alcalde declaró: \u{ab}Los ciclistas son una plaga\u{bb}.",
        "La cita procede de una cuenta parodia en redes sociales. El ayuntamiento la desmintió el mismo día y no existe ninguna grabación.",
    ),
];
const ES_OUTDATED: [Sample; 2] = [
    quoted(
        "Según un estudio reciente, el fármaco reduce a la mitad el riesgo de ictus.",
        "La revista retiró el estudio en marzo por errores en los datos. El artículo lo presenta como una prueba vigente sin mencionar la retractación.",
    ),
    quoted(
        "El tipo de interés está actualmente en el 2 %.",
        "El banco central subió los tipos al 3,25 % el mes pasado. El artículo es de esta semana, pero usa el dato del año pasado.",
    ),
];
const ES_IMPERSONATION: [Sample; 2] = [
    unquoted(
        "Una web, example-times-news.com, copia su diseño y su logotipo y publica con su nombre una noticia inventada según la cual las elecciones se han aplazado. El enlace se está compartiendo muchísimo por WhatsApp desde esta mañana.",
    ),
    unquoted(
        "Una cuenta en redes sociales llamada \u{ab}Example Times Última Hora\u{bb} difunde capturas de artículos que ustedes nunca han publicado. Usa su logotipo como foto de perfil.",
    ),
];
const ES_OTHER: [Sample; 2] = [
    quoted(
        "El río se desbordó el martes en Villanueva.",
        "El pueblo de las fotos es Villafranca, no Villanueva. Están a 30 kilómetros y Villanueva no se inundó.",
    ),
    unquoted(
        "El gráfico de los precios de la energía no tiene etiquetas en los ejes ni fuente, así que no se puede comprobar qué muestra.",
    ),
];

const ZH_FALSE_CLAIM: [Sample; 2] = [
    quoted(
        "官方数据显示，失业率自春季以来翻了一番。",
        "统计局的月度公报显示，失业率从四月的5.1%升至十月的5.4%，只上升了0.3个百分点，并没有翻倍。相关表格在十月公报第3页。",
    ),
    quoted(
        "本次选举的投票率创历史新低。",
        "选举委员会公布的投票率为61.2%。2011年那次选举的投票率只有42%，这次远非历史最低。",
    ),
];
const ZH_MISLEADING: [Sample; 2] = [
    quoted(
        "市中心犯罪率上升了40%。",
        "40%的涨幅只比较了两个月的数据。全年数据显示犯罪总数基本持平，文章没有交代这一背景。",
    ),
    unquoted(
        "文章把去年夏天的抗议照片放在今年的报道里，却没有注明拍摄时间，读者会误以为是本周发生的事。",
    ),
];
const ZH_MEDIA: [Sample; 2] = [
    unquoted(
        "报道中的视频被剪辑过：原片里部长在回答另一个问题，剪辑后的版本把两段讲话拼在了一起。",
    ),
    quoted(
        "照片显示集会现场人山人海。",
        "这张照片经过修图，背景里的人群是复制粘贴的。原图可以在通讯社的图片库里找到。",
    ),
];
const ZH_QUOTE: [Sample; 2] = [
    quoted(
        "市长说：\u{201c}我们不会再为公交系统花一分钱。\u{201d}",
        "市长从未说过这句话。议会会议的完整录像和文字记录里都没有这段话。",
    ),
    unquoted("文章引用的那位教授告诉我，她从来没有接受过贵报的采访，引述的话也不是她说的。"),
];
const ZH_OUTDATED: [Sample; 2] = [
    quoted(
        "该药物尚未获得批准。",
        "药品监管机构已于上个月批准了这种药物，文章使用的是去年的信息。",
    ),
    unquoted("文中的票价是两年前的。地铁公司今年一月已经调整了票价，现在的单程票是四元。"),
];
const ZH_IMPERSONATION: [Sample; 2] = [
    unquoted("有一个假冒贵报的网站，域名只差一个字母，正在转载伪造的选举新闻。请提醒读者注意。"),
    unquoted(
        "社交媒体上有一个名为\u{201c}示例时报快讯\u{201d}的账号，使用贵报的标志发布从未刊登过的文章截图。",
    ),
];
const ZH_OTHER: [Sample; 2] = [
    quoted(
        "周二，河水在新村漫过堤岸。",
        "照片里的村庄是老村，不是新村。两地相距30公里，新村并没有被淹。",
    ),
    unquoted("能源价格图表的坐标轴没有标注，也没有注明数据来源，无法核实它显示的内容。"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_has_texts_in_every_language() {
        for language in LANGUAGES {
            for category in Category::ALL {
                let samples = samples(category, language);
                assert!(samples.len() >= 2, "{language} {category:?}");
                for sample in samples {
                    assert!(sample.explanation.chars().count() >= 10);
                    assert!(sample.explanation.chars().count() <= 5_000);
                    assert!(sample.passage.is_none_or(|p| p.chars().count() <= 2_000));
                }
            }
        }
        // Not the English text under another language's label.
        assert_ne!(
            samples(Category::FalseClaim, "de")[0].explanation,
            samples(Category::FalseClaim, "en")[0].explanation
        );
    }
}
