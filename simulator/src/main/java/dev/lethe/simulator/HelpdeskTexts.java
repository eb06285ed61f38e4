package dev.lethe.simulator;

import java.util.List;
import java.util.Map;

/**
 * What customers and agents write, per language, with slots where personal data goes: {@code
 * {name}} full name, {@code {first}}/{@code {last}} first/family name, {@code {email}}, {@code
 * {phone}}, {@code {handle}} of the contact; {@code {oname}}, {@code {oemail}}, {@code {ophone}} of
 * another contact; {@code {iban}}, {@code {card}}. The fixed text holds no digits and no '@', so
 * every such pattern in a generated text is a placed value.
 */
final class HelpdeskTexts {

    /** One language's phrases. */
    record Phrases(
            List<String> subjects,
            List<String> greetings,
            List<String> bodies,
            List<String> selfData,
            List<String> otherData,
            List<String> payment,
            List<String> closings,
            List<String> replies) {}

    private HelpdeskTexts() {}

    static Phrases phrases(String language) {
        Phrases phrases = PHRASES.get(language);
        return phrases != null ? phrases : PHRASES.get("en");
    }

    /** Internal agent notes (comments), written in English whatever the customer's language. */
    static final List<String> NOTES =
            List.of(
                    "Called {name} back on {phone}, no answer. Will retry tomorrow.",
                    "Customer verified identity via {email}; proceeding with the refund.",
                    "Spoke to {first} on {phone}: issue confirmed, escalating to second level.",
                    "{name} also reported this via Twitter ({handle}).",
                    "Duplicate of a ticket opened by {oname} ({oemail}), merging.",
                    "Refund goes to IBAN {iban} as requested by {name}.",
                    "Customer read their card number {card} out on the phone. Do not store it here!",
                    "Waiting for the logs from the customer.",
                    "Escalated to engineering, see the linked issue.",
                    "Second level: root cause found, fix ships with the next release.",
                    "Please double check the shipping address before closing.",
                    "{oname} called on {ophone} about this order as well.");

    /** Attachment file names; {@code {email}} is followed by '_' so the address ends cleanly. */
    static final List<String> FILE_NAMES =
            List.of(
                    "screenshot.png",
                    "error-log.txt",
                    "invoice.pdf",
                    "passport_{last}_{first}.pdf",
                    "{email}_invoice.pdf",
                    "{name} - contract.pdf",
                    "call-log {phone}.txt",
                    "photo.jpg",
                    "bank details {iban}.pdf");

    private static final Map<String, Phrases> PHRASES =
            Map.of(
                    "en",
                    new Phrases(
                            List.of(
                                    "Order not delivered",
                                    "Cannot log in to my account",
                                    "Refund request",
                                    "Wrong item received",
                                    "Please call me back on {phone}",
                                    "Account of {name}",
                                    "Invoice question from {email}",
                                    "Change of address"),
                            List.of("Hello,", "Hi there,", "Dear support team,"),
                            List.of(
                                    "My order still has not arrived although the tracking page says"
                                            + " it was delivered.",
                                    "I have tried to reset my password several times without"
                                            + " success.",
                                    "The item I received is damaged and I would like a"
                                            + " replacement.",
                                    "Could you please tell me when the refund will be processed?",
                                    "The app crashes every time I open the settings page.",
                                    "I was charged twice for the same subscription."),
                            List.of(
                                    "You can reach me on {phone} during the day.",
                                    "Please send the confirmation to {email} instead.",
                                    "I also wrote to you on Twitter, my handle is {handle}.",
                                    "My name is {name} and I am a customer for years now.",
                                    "Call me on {phone} or write to {email} please."),
                            List.of(
                                    "My colleague {oname} has the same problem, her address is"
                                            + " {oemail} and her number {ophone}.",
                                    "Please also inform {oname} ({oemail}).",
                                    "The parcel was accepted by my neighbour {oname}, phone"
                                            + " {ophone}."),
                            List.of(
                                    "Please refund the amount to my account {iban}, thank you.",
                                    "I paid with my card {card} and it was charged twice.",
                                    "My IBAN is {iban} in case you need it."),
                            List.of(
                                    "Best regards, {name}",
                                    "Thanks, {first}",
                                    "Kind regards\n{name}"),
                            List.of(
                                    "Hello {first}, thank you for contacting us. We are looking"
                                            + " into it.",
                                    "Dear {name}, we have issued a replacement. It will ship"
                                            + " shortly.",
                                    "Hi {first}, we tried to call you on {phone} but could not"
                                            + " reach you.",
                                    "Dear {name}, your refund has been processed.")),
                    "de",
                    new Phrases(
                            List.of(
                                    "Bestellung nicht angekommen",
                                    "Anmeldung funktioniert nicht",
                                    "Rückerstattung gewünscht",
                                    "Falscher Artikel geliefert",
                                    "Bitte um Rückruf unter {phone}",
                                    "Kundenkonto von {name}",
                                    "Frage zur Rechnung ({email})",
                                    "Adressänderung"),
                            List.of("Hallo,", "Guten Tag,", "Sehr geehrte Damen und Herren,"),
                            List.of(
                                    "Meine Bestellung ist immer noch nicht da, obwohl die"
                                            + " Sendungsverfolgung sie als zugestellt anzeigt.",
                                    "Ich habe mehrfach versucht, mein Passwort zurückzusetzen.",
                                    "Der gelieferte Artikel ist beschädigt, ich möchte einen"
                                            + " Ersatz.",
                                    "Wann wird die Rückerstattung bearbeitet?",
                                    "Die App stürzt beim Öffnen der Einstellungen ab.",
                                    "Mir wurde das Abo doppelt berechnet."),
                            List.of(
                                    "Sie erreichen mich tagsüber unter {phone}.",
                                    "Bitte schicken Sie die Bestätigung an {email}.",
                                    "Ich habe Ihnen auch auf Twitter geschrieben: {handle}",
                                    "Mein Name ist {name}, ich bin seit Jahren Kundin.",
                                    "Rufen Sie mich bitte unter {phone} an oder schreiben Sie an"
                                            + " {email}, danke."),
                            List.of(
                                    "Mein Kollege {oname} hat dasselbe Problem, seine Adresse ist"
                                            + " {oemail}, Telefon {ophone}.",
                                    "Bitte informieren Sie auch {oname} ({oemail}).",
                                    "Das Paket hat mein Nachbar {oname} angenommen, Tel. {ophone}."),
                            List.of(
                                    "Bitte überweisen Sie den Betrag auf mein Konto {iban}.",
                                    "Ich habe mit meiner Karte {card} bezahlt und wurde doppelt"
                                            + " belastet.",
                                    "Meine IBAN lautet {iban}, falls Sie sie brauchen."),
                            List.of(
                                    "Mit freundlichen Grüßen\n{name}",
                                    "Viele Grüße, {first}",
                                    "Danke und Gruß, {name}"),
                            List.of(
                                    "Hallo {first}, vielen Dank für Ihre Nachricht. Wir kümmern"
                                            + " uns darum.",
                                    "Sehr geehrte/r {name}, wir haben Ersatz veranlasst.",
                                    "Hallo {first}, wir haben versucht, Sie unter {phone} zu"
                                            + " erreichen.",
                                    "Guten Tag {name}, Ihre Erstattung wurde veranlasst.")),
                    "fr",
                    new Phrases(
                            List.of(
                                    "Commande non livrée",
                                    "Impossible de me connecter",
                                    "Demande de remboursement",
                                    "Rappel au {phone} svp",
                                    "Compte de {name}",
                                    "Question sur ma facture ({email})"),
                            List.of("Bonjour,", "Madame, Monsieur,"),
                            List.of(
                                    "Ma commande n'est toujours pas arrivée alors que le suivi"
                                            + " indique qu'elle a été livrée.",
                                    "J'ai essayé plusieurs fois de réinitialiser mon mot de passe.",
                                    "L'article reçu est abîmé, je souhaite un échange.",
                                    "Quand mon remboursement sera-t-il effectué ?",
                                    "J'ai été débité deux fois pour le même abonnement."),
                            List.of(
                                    "Vous pouvez me joindre au {phone} en journée.",
                                    "Merci d'envoyer la confirmation à {email} plutôt.",
                                    "Je vous ai aussi écrit sur Twitter : {handle}",
                                    "Je m'appelle {name} et je suis cliente depuis longtemps.",
                                    "Appelez-moi au {phone} ou écrivez à {email}, merci."),
                            List.of(
                                    "Mon collègue {oname} a le même souci : {oemail}, tél."
                                            + " {ophone}.",
                                    "Merci de prévenir aussi {oname} ({oemail})."),
                            List.of(
                                    "Merci de rembourser sur mon compte {iban}.",
                                    "J'ai payé avec ma carte {card} et j'ai été débité deux fois."),
                            List.of(
                                    "Cordialement,\n{name}",
                                    "Merci, {first}",
                                    "Bien à vous, {name}"),
                            List.of(
                                    "Bonjour {first}, merci pour votre message, nous regardons.",
                                    "Chère cliente, cher client {name}, le remboursement est"
                                            + " effectué.",
                                    "Bonjour {first}, nous avons essayé de vous joindre au"
                                            + " {phone}.")),
                    "es",
                    new Phrases(
                            List.of(
                                    "Pedido no entregado",
                                    "No puedo iniciar sesión",
                                    "Solicitud de reembolso",
                                    "Llámenme al {phone}",
                                    "Cuenta de {name}"),
                            List.of("Hola,", "Buenos días,", "Estimado equipo de soporte,"),
                            List.of(
                                    "Mi pedido todavía no ha llegado aunque el seguimiento dice que"
                                            + " fue entregado.",
                                    "He intentado restablecer mi contraseña varias veces.",
                                    "El artículo llegó dañado y quisiera un cambio.",
                                    "¿Cuándo se procesará mi reembolso?"),
                            List.of(
                                    "Pueden localizarme en el {phone} durante el día.",
                                    "Envíen la confirmación a {email}, por favor.",
                                    "También les escribí en Twitter: {handle}",
                                    "Me llamo {name} y soy cliente desde hace años."),
                            List.of(
                                    "Mi compañera {oname} tiene el mismo problema: {oemail},"
                                            + " teléfono {ophone}.",
                                    "Informen también a {oname} ({oemail}), por favor."),
                            List.of(
                                    "Devuelvan el importe a mi cuenta {iban}, gracias.",
                                    "Pagué con mi tarjeta {card} y me cobraron dos veces."),
                            List.of("Saludos,\n{name}", "Gracias, {first}", "Un saludo, {name}"),
                            List.of(
                                    "Hola {first}, gracias por escribirnos. Lo estamos revisando.",
                                    "Estimado/a {name}, su reembolso ha sido procesado.",
                                    "Hola {first}, intentamos llamarle al {phone}.")),
                    "it",
                    new Phrases(
                            List.of(
                                    "Ordine non consegnato",
                                    "Non riesco ad accedere",
                                    "Richiesta di rimborso",
                                    "Richiamatemi al {phone}",
                                    "Account di {name}"),
                            List.of("Buongiorno,", "Salve,", "Gentile assistenza,"),
                            List.of(
                                    "Il mio ordine non è ancora arrivato anche se risulta"
                                            + " consegnato.",
                                    "Ho provato più volte a reimpostare la password.",
                                    "L'articolo è arrivato danneggiato, vorrei una sostituzione.",
                                    "Quando verrà elaborato il rimborso?"),
                            List.of(
                                    "Potete contattarmi al {phone} durante il giorno.",
                                    "Inviate la conferma a {email}, per favore.",
                                    "Vi ho scritto anche su Twitter: {handle}",
                                    "Mi chiamo {name} e sono cliente da anni."),
                            List.of(
                                    "Anche il mio collega {oname} ha lo stesso problema: {oemail},"
                                            + " tel. {ophone}.",
                                    "Informate anche {oname} ({oemail}), grazie."),
                            List.of(
                                    "Rimborsate l'importo sul mio conto {iban}, grazie.",
                                    "Ho pagato con la carta {card} e mi è stato addebitato due"
                                            + " volte."),
                            List.of(
                                    "Cordiali saluti,\n{name}",
                                    "Grazie, {first}",
                                    "Saluti, {name}"),
                            List.of(
                                    "Buongiorno {first}, grazie per averci scritto.",
                                    "Gentile {name}, il rimborso è stato elaborato.",
                                    "Salve {first}, abbiamo provato a chiamarla al {phone}.")),
                    "pl",
                    new Phrases(
                            List.of(
                                    "Zamówienie nie dotarło",
                                    "Nie mogę się zalogować",
                                    "Prośba o zwrot pieniędzy",
                                    "Proszę o kontakt pod numerem {phone}",
                                    "Konto: {name}"),
                            List.of("Dzień dobry,", "Witam,", "Szanowni Państwo,"),
                            List.of(
                                    "Moje zamówienie wciąż nie dotarło, chociaż status pokazuje"
                                            + " doręczenie.",
                                    "Kilka razy próbowałem zresetować hasło, bez skutku.",
                                    "Otrzymany produkt jest uszkodzony, proszę o wymianę.",
                                    "Kiedy zostanie zrealizowany zwrot?"),
                            List.of(
                                    "Proszę dzwonić pod numer {phone}.",
                                    "Potwierdzenie proszę wysłać na adres {email}.",
                                    "Pisałem też na Twitterze: {handle}",
                                    "Nazywam się {name} i jestem Państwa klientem od lat."),
                            List.of(
                                    "Mój kolega {oname} ma ten sam problem: {oemail}, tel."
                                            + " {ophone}.",
                                    "Proszę też poinformować {oname} ({oemail})."),
                            List.of(
                                    "Proszę o zwrot na konto {iban}.",
                                    "Płaciłem kartą {card} i pobrano opłatę dwa razy."),
                            List.of(
                                    "Pozdrawiam,\n{name}",
                                    "Dziękuję, {first}",
                                    "Z poważaniem, {name}"),
                            List.of(
                                    "Dzień dobry {first}, dziękujemy za wiadomość.",
                                    "Szanowny Panie / Szanowna Pani {name}, zwrot został"
                                            + " zlecony.",
                                    "Dzień dobry, próbowaliśmy dodzwonić się pod numer {phone}.")),
                    "cs",
                    new Phrases(
                            List.of(
                                    "Objednávka nedorazila",
                                    "Nemohu se přihlásit",
                                    "Žádost o vrácení peněz",
                                    "Prosím o zavolání na {phone}",
                                    "Účet: {name}"),
                            List.of("Dobrý den,", "Zdravím,"),
                            List.of(
                                    "Moje objednávka stále nedorazila, i když je vedená jako"
                                            + " doručená.",
                                    "Několikrát jsem zkoušel obnovit heslo, bez úspěchu.",
                                    "Zboží přišlo poškozené, prosím o výměnu.",
                                    "Kdy mi vrátíte peníze?"),
                            List.of(
                                    "Zastihnete mě na čísle {phone}.",
                                    "Potvrzení prosím pošlete na {email}.",
                                    "Psal jsem vám i na Twitteru: {handle}",
                                    "Jmenuji se {name} a jsem váš dlouholetý zákazník."),
                            List.of(
                                    "Můj kolega {oname} má stejný problém: {oemail}, tel. {ophone}.",
                                    "Informujte prosím také {oname} ({oemail})."),
                            List.of(
                                    "Peníze prosím vraťte na účet {iban}.",
                                    "Platil jsem kartou {card} a bylo mi strženo dvakrát."),
                            List.of("S pozdravem\n{name}", "Děkuji, {first}", "Hezký den, {name}"),
                            List.of(
                                    "Dobrý den {first}, děkujeme za zprávu.",
                                    "Dobrý den {name}, peníze jsme vám vrátili.",
                                    "Dobrý den, zkoušeli jsme vám volat na {phone}.")),
                    "sv",
                    new Phrases(
                            List.of(
                                    "Beställningen har inte kommit",
                                    "Kan inte logga in",
                                    "Begäran om återbetalning",
                                    "Ring mig på {phone}",
                                    "Konto för {name}"),
                            List.of("Hej,", "Hej hej,", "Till kundtjänst,"),
                            List.of(
                                    "Min beställning har fortfarande inte kommit fast spårningen"
                                            + " säger levererad.",
                                    "Jag har försökt återställa mitt lösenord flera gånger.",
                                    "Varan kom skadad och jag vill ha en ny.",
                                    "När kommer återbetalningen?"),
                            List.of(
                                    "Ni når mig på {phone} dagtid.",
                                    "Skicka bekräftelsen till {email} i stället.",
                                    "Jag skrev även på Twitter: {handle}",
                                    "Jag heter {name} och har varit kund länge."),
                            List.of(
                                    "Min kollega {oname} har samma problem: {oemail}, tel."
                                            + " {ophone}.",
                                    "Informera gärna även {oname} ({oemail})."),
                            List.of(
                                    "Betala tillbaka till mitt konto {iban}, tack.",
                                    "Jag betalade med kortet {card} och blev debiterad två gånger."),
                            List.of(
                                    "Med vänliga hälsningar\n{name}",
                                    "Tack, {first}",
                                    "Hälsningar, {name}"),
                            List.of(
                                    "Hej {first}, tack för ditt meddelande.",
                                    "Hej {name}, återbetalningen är gjord.",
                                    "Hej {first}, vi försökte ringa dig på {phone}.")),
                    "ja",
                    new Phrases(
                            List.of(
                                    "注文した商品が届きません",
                                    "ログインできません",
                                    "返金のお願い",
                                    "{phone}まで折り返しお電話ください",
                                    "{name}のアカウントについて"),
                            List.of("お世話になっております。", "サポートご担当者様"),
                            List.of(
                                    "注文した商品がまだ届いていませんが、配送状況では配達済みになっています。",
                                    "パスワードの再設定を何度か試しましたが、うまくいきません。",
                                    "届いた商品が破損していたので、交換をお願いします。",
                                    "返金はいつ頃になりますか。"),
                            List.of(
                                    "日中は{phone}にご連絡ください。",
                                    "確認メールは {email} 宛てにお送りください。",
                                    "Twitter（{handle}）でもご連絡しました。",
                                    "{name}と申します。長年利用しています。"),
                            List.of(
                                    "同僚の{oname}さんも同じ問題を抱えています（{oemail}、電話{ophone}）。",
                                    "{oname}さん（{oemail}）にもお知らせください。"),
                            List.of("返金は口座 {iban} にお願いします。", "カード {card} で支払いましたが、二重に請求されました。"),
                            List.of("よろしくお願いいたします。\n{name}", "{name}"),
                            List.of(
                                    "{last}様、お問い合わせありがとうございます。確認いたします。",
                                    "{name}様、返金処理が完了しました。",
                                    "{last}様、{phone}にお電話しましたが、つながりませんでした。")));
}
