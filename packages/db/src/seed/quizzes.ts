import type { PolicyCode } from './policies';

export interface QuizQuestionSpec {
  prompt: string;
  choices: string[];
  correctIndex: number;
  explanation: string;
}

export interface QuizSpec {
  title: string;
  description: string;
  questions: [QuizQuestionSpec, QuizQuestionSpec, QuizQuestionSpec];
}

export const QUIZZES: Record<PolicyCode, QuizSpec> = {
  PROHIBITED_PRODUCT: {
    title: 'Prohibited products quiz',
    description: 'Check that you can tell prohibited items from restricted ones.',
    questions: [
      {
        prompt: 'A regular buyer asks you to list a pistol slide and a trigger upgrade kit. What should you do?',
        choices: [
          'List them in Sports & Outdoors with an age warning',
          'Decline: weapon parts are prohibited on every site',
          'List them only on sites where firearms are legal',
          'Sell them to the buyer through a private payment link',
        ],
        correctIndex: 1,
        explanation:
          'Weapons and weapon parts are prohibited everywhere on the marketplace; no warning, site or approval makes them listable.',
      },
      {
        prompt: 'Which of these items is prohibited, not merely restricted?',
        choices: [
          'Vitamin D supplements',
          "A chef's knife",
          'Prescription-only antibiotics',
          'Alcohol-free sparkling wine',
        ],
        correctIndex: 2,
        explanation:
          'Supplements, knives and alcohol-free drinks are restricted and can be sold with an approval. Prescription-only medicines are prohibited.',
      },
      {
        prompt: 'Your listing for a disposable vape was removed. What happens if you relist it under Electronics?',
        choices: [
          'Nothing, as long as Electronics is your primary category',
          'It is a new violation of the same policy and can escalate your account status',
          'The original points are removed because the category changed',
          'It goes live after a 24-hour review',
        ],
        correctIndex: 1,
        explanation:
          'Whether an item is prohibited depends on the item, not on the category you choose. Relisting it elsewhere is a repeat violation.',
      },
    ],
  },
  RESTRICTED_PRODUCT_WITHOUT_APPROVAL: {
    title: 'Restricted categories quiz',
    description: 'How category approvals work for restricted products.',
    questions: [
      {
        prompt: 'What do you need before listing a product in a restricted category such as Vitamins & Supplements?',
        choices: [
          'Nothing; restricted only means a longer review',
          'A granted approval for that category for your shop',
          'At least 100 completed orders',
          'An active creator partnership',
        ],
        correctIndex: 1,
        explanation:
          'Listings in a restricted category are accepted only when the shop holds a granted approval for that category.',
      },
      {
        prompt:
          "Your approval request for Kitchen Knives is still pending when you submit a chef's knife listing. What happens?",
        choices: [
          'It is published and checked later',
          'It waits in the review queue until the approval is decided',
          'It is rejected automatically with RESTRICTED_REQUIRES_APPROVAL',
          'It is published on the US site only',
        ],
        correctIndex: 2,
        explanation: 'The automatic checks reject the listing. Submit it again once the approval has been granted.',
      },
      {
        prompt: 'An approval granted for Medical Devices covers which listings?',
        choices: [
          'Listings in every restricted category',
          'Listings in the Medical Devices category',
          'Any listing in the Health category, including prescription drugs',
          'Listings on the site where you applied, for 30 days',
        ],
        correctIndex: 1,
        explanation:
          'An approval is specific to the category it was granted for. Prohibited categories can never be approved.',
      },
    ],
  },
  COUNTERFEIT: {
    title: 'Counterfeit goods quiz',
    description: 'Recognise counterfeits and keep proof of authenticity.',
    questions: [
      {
        prompt: 'Which listing is most likely to be treated as counterfeit?',
        choices: [
          'A branded bag bought from an authorised distributor, with the invoice',
          'An unbranded bag with a similar shape to a designer style',
          "A bag carrying a luxury brand's logo that the brand did not make or authorise",
          'A second-hand branded bag with the original receipt',
        ],
        correctIndex: 2,
        explanation:
          "Using a brand's trademark on goods the brand did not make or authorise is counterfeiting, whatever the quality.",
      },
      {
        prompt: 'What is the best evidence that your branded stock is genuine?',
        choices: [
          'Invoices or an authorisation letter from the brand or an authorised distributor',
          "A screenshot of the brand's website",
          'Many positive buyer reviews',
          'A supplier price that is much lower than retail',
        ],
        correctIndex: 0,
        explanation:
          'Only a traceable supply chain proves authenticity. A price far below retail is a warning sign, not evidence.',
      },
      {
        prompt: 'Why do counterfeit violations carry some of the highest points?',
        choices: [
          'Counterfeits are harder to ship',
          'They harm buyers and brand owners, are illegal on most sites and damage trust in the marketplace',
          'They reduce the platform’s advertising revenue',
          'They apply only to luxury goods',
        ],
        correctIndex: 1,
        explanation:
          'Counterfeits can be unsafe, defraud buyers and infringe trademarks; repeated cases lead to suspension.',
      },
    ],
  },
  IP_INFRINGEMENT: {
    title: 'Intellectual property quiz',
    description: 'Trademarks, copyright and other people’s content.',
    questions: [
      {
        prompt: 'Which of these is allowed in a listing?',
        choices: [
          'Printing a cartoon character on T-shirts without a licence',
          "Using another seller's product photos without permission",
          "Describing a phone case as 'compatible with iPhone 15'",
          "Using a famous brand's name in your shop name",
        ],
        correctIndex: 2,
        explanation:
          'Stating compatibility with a product is a fair, descriptive use of its name. The other uses need the rights holder’s permission.',
      },
      {
        prompt: 'You want background music in a product video. What should you use?',
        choices: [
          'Any chart song, because the video is short',
          "Music from the platform's licensed sound library or music you hold rights to",
          'A song, if you credit the artist in the caption',
          'A song, if you slow it down',
        ],
        correctIndex: 1,
        explanation: 'Crediting or altering a song does not give you a licence. Use licensed sounds or your own music.',
      },
      {
        prompt: 'A rights holder files a valid complaint against your listing. What is the right response?',
        choices: [
          'Change the title slightly and relist',
          'Message the rights holder’s customers to explain',
          'Ignore it; complaints expire after 30 days',
          'Remove the content; if you believe the complaint is wrong, file a counter-notice with evidence',
        ],
        correctIndex: 3,
        explanation:
          'Relisting the same content repeats the violation. Counter-notices with evidence are the way to contest a complaint.',
      },
    ],
  },
  MISLEADING_CLAIMS: {
    title: 'Product claims quiz',
    description: 'Which claims you can make in listings, videos and live sessions.',
    questions: [
      {
        prompt: 'Which claim about a herbal tea breaks this policy?',
        choices: [
          "'Caffeine-free blend of chamomile and mint'",
          "'Cures anxiety and lowers blood pressure in 7 days'",
          "'Packed in recyclable tins'",
          "'Brew for 5 minutes at 95 °C'",
        ],
        correctIndex: 1,
        explanation:
          'Claims to cure or treat a disease are medical claims. Food and beauty products may not make them.',
      },
      {
        prompt:
          "During a live session promoting your cream, the host says it 'removes wrinkles permanently'. How is this treated?",
        choices: [
          'It is fine because live sessions are not recorded',
          "It is fine if the host adds 'results may vary'",
          'It is a misleading claim that counts against your shop, whoever said it',
          'Only the host receives points, never the shop',
        ],
        correctIndex: 2,
        explanation:
          'Content that promotes your products counts against your shop. A disclaimer does not make a false claim true.',
      },
      {
        prompt: "When may a listing say a product is 'clinically proven'?",
        choices: [
          'When a study tested this product for the stated effect and you can provide it on request',
          'When the claim is in small print',
          "When a competitor's listing says the same",
          'When buyers say it works in reviews',
        ],
        correctIndex: 0,
        explanation: 'Claims need substantiation for the product itself. Reviews and other listings are not evidence.',
      },
    ],
  },
  MISLEADING_PRICING: {
    title: 'Prices and discounts quiz',
    description: 'Reference prices, discounts and extra charges.',
    questions: [
      {
        prompt: "Your listing shows 'was USD 80, now USD 40'. When is this allowed?",
        choices: [
          'Always, as long as the current price is correct',
          'Only if the item was genuinely sold at USD 80 for a meaningful recent period',
          'Only during platform campaigns',
          'Whenever a competitor charges USD 80',
        ],
        correctIndex: 1,
        explanation:
          'A reference price must be a real price you recently charged; otherwise the discount is misleading.',
      },
      {
        prompt: 'Which practice is misleading?',
        choices: [
          'Showing shipping costs before checkout',
          'Offering a bundle at a lower total price',
          'Raising the price just before a sale so the discount looks bigger',
          'Running a time-limited shop voucher',
        ],
        correctIndex: 2,
        explanation: 'Inflating a price before a sale creates a fake discount, which the policy prohibits.',
      },
      {
        prompt: 'Where must a mandatory handling charge appear?',
        choices: [
          'Only in the order confirmation email',
          'In the price the buyer sees before checkout',
          'Nowhere, if it is under USD 2',
          'Only in the product description',
        ],
        correctIndex: 1,
        explanation: 'Buyers must see the full price, including mandatory charges, before they commit to buy.',
      },
    ],
  },
  PRICE_GOUGING: {
    title: 'Price gouging quiz',
    description: 'Fair pricing during shortages and emergencies.',
    questions: [
      {
        prompt: 'During a declared emergency, which pricing is likely to be gouging?',
        choices: [
          'Keeping face masks at their usual price',
          'Tripling the price of face masks without any matching cost increase',
          'Offering a bulk discount on masks',
          'Pausing the listing while out of stock',
        ],
        correctIndex: 1,
        explanation: 'Large increases on essential goods that your costs do not justify are gouging.',
      },
      {
        prompt: 'Your supplier raised costs by 10 %. Which price change is defensible?',
        choices: [
          'A proportionate increase you can document',
          'A 300 % increase because demand is high',
          'Hiding the price until checkout',
          'Doubling the shipping fee instead of the price',
        ],
        correctIndex: 0,
        explanation:
          'Increases that follow documented cost changes are acceptable; moving the increase into shipping is still gouging.',
      },
      {
        prompt: 'Which products are most closely monitored for gouging?',
        choices: [
          'Seasonal fashion',
          'Collectible toys',
          'Gift cards',
          'Essential goods in short supply, such as hygiene, medical or baby products',
        ],
        correctIndex: 3,
        explanation: 'Essentials in short supply are where buyers are most exposed, so they are watched most closely.',
      },
    ],
  },
  FAKE_REVIEWS: {
    title: 'Reviews and ratings quiz',
    description: 'What counts as review manipulation.',
    questions: [
      {
        prompt: 'Which is a fake or incentivised review?',
        choices: [
          "A verified buyer's honest 3-star review",
          'A review written by your employee about your own product',
          "Your public reply to a buyer's review",
          'A review the buyer updated after receiving a replacement',
        ],
        correctIndex: 1,
        explanation: 'Reviews by staff, friends or anyone connected to the shop are not genuine buyer reviews.',
      },
      {
        prompt: 'May you offer a discount on the next order in exchange for a 5-star review?',
        choices: [
          'Yes, if the discount is small',
          'Yes, but only for repeat customers',
          'No: rewards conditioned on a review, especially a positive one, are prohibited',
          'Only if the offer is made outside the marketplace',
        ],
        correctIndex: 2,
        explanation:
          'Any incentive tied to leaving a review, or to its rating, distorts ratings and breaks the policy.',
      },
      {
        prompt: 'What is the acceptable way to get more reviews?',
        choices: [
          'Buying reviews from a review service',
          "Using the platform's neutral review request after delivery",
          'Asking friends to order and return the item',
          'Merging reviews from a different product into the listing',
        ],
        correctIndex: 1,
        explanation: "The platform's neutral review request reaches real buyers without influencing what they write.",
      },
    ],
  },
  OFF_PLATFORM_TRANSACTION: {
    title: 'On-platform transactions quiz',
    description: 'Keeping payments and orders on the marketplace.',
    questions: [
      {
        prompt: 'A viewer in your live session asks to pay by bank transfer for a discount. What should you do?',
        choices: [
          'Accept and ship quickly',
          'Decline and direct them to check out on the marketplace',
          'Share your phone number in the chat to arrange it',
          'Accept only for orders above USD 100',
        ],
        correctIndex: 1,
        explanation: 'Payments outside the marketplace are prohibited, whatever the amount.',
      },
      {
        prompt: 'Which of these is an attempt to move a sale off the platform?',
        choices: [
          "A parcel insert with a QR code to your own web store and a 'better price'",
          'Answering a product question in marketplace chat',
          'Offering a platform voucher',
          'Using platform shipping labels',
        ],
        correctIndex: 0,
        explanation: 'Inserts, messages or live comments that steer buyers to other channels divert transactions.',
      },
      {
        prompt: 'Why does the marketplace prohibit moving sales off the platform?',
        choices: [
          'Buyers lose purchase protection, and the marketplace cannot resolve disputes or stop fraud',
          'Off-platform payments settle more slowly',
          'It reduces the number of reviews',
          'It only matters for semi-closed-loop shops',
        ],
        correctIndex: 0,
        explanation:
          'Buyer protection, dispute resolution and fraud checks only work for orders placed on the marketplace.',
      },
    ],
  },
  LATE_DISPATCH: {
    title: 'Dispatch times quiz',
    description: 'Handling times and what counts as late.',
    questions: [
      {
        prompt: 'When is an order counted as dispatched late?',
        choices: [
          'When the buyer leaves a negative review',
          'When the first carrier scan is after the handling-time deadline you committed to',
          'When delivery takes longer than the buyer hoped',
          'When the order ships in two parcels',
        ],
        correctIndex: 1,
        explanation: 'Dispatch is measured by the first carrier scan against your handling time.',
      },
      {
        prompt: 'You expect a stock delay on a popular item. What prevents late dispatch?',
        choices: [
          'Keep selling and ship when the stock arrives',
          'Mark the orders shipped now and send them later',
          'Set stock to zero or lengthen the handling time before new orders come in',
          'Cancel the orders after the deadline passes',
        ],
        correctIndex: 2,
        explanation: 'Adjust stock or handling time up front. Cancelling creates seller-caused cancellations instead.',
      },
      {
        prompt: 'Marking an order as shipped before you hand it to the carrier is…',
        choices: [
          'A good way to avoid late dispatch',
          'Allowed once the label has been printed',
          'Required by the platform',
          'Invalid tracking, which can carry more points than the late dispatch itself',
        ],
        correctIndex: 3,
        explanation: 'Shipping confirmations must reflect a real hand-over to the carrier.',
      },
    ],
  },
  HIGH_CANCELLATION_RATE: {
    title: 'Order cancellations quiz',
    description: 'Seller-caused cancellations and how to avoid them.',
    questions: [
      {
        prompt: 'Which cancellation counts against the seller?',
        choices: [
          'A buyer cancels because they changed their mind',
          'The seller cancels because the item is out of stock',
          'The platform cancels a suspected fraudulent order',
          'The buyer cancels before payment clears',
        ],
        correctIndex: 1,
        explanation: 'Cancellations caused by the seller’s stock, pricing or capacity count towards the rate.',
      },
      {
        prompt: 'What is the best way to keep seller-caused cancellations low?',
        choices: [
          'Keep stock counts synchronised across every channel that sells the same inventory',
          'Accept every order and cancel the ones you cannot fill',
          'List items you plan to source later',
          'Ask buyers to cancel for you',
        ],
        correctIndex: 0,
        explanation: 'Overselling across channels is the most common cause of seller cancellations.',
      },
      {
        prompt: 'Asking a buyer to cancel an order you cannot fulfil, so it is not recorded as seller-caused, is…',
        choices: [
          'A sensible workaround',
          'Allowed once a month',
          'Prohibited: it is still a seller-caused cancellation and misleads the buyer',
          'Required before refunding',
        ],
        correctIndex: 2,
        explanation: 'Pressuring buyers to cancel hides the real cause and is treated as a seller-caused cancellation.',
      },
    ],
  },
  INVALID_TRACKING: {
    title: 'Tracking information quiz',
    description: 'Valid tracking numbers and shipping confirmations.',
    questions: [
      {
        prompt: 'Which of these is invalid tracking?',
        choices: [
          'Uploading the tracking number printed on the carrier label',
          'Uploading a tracking number that belongs to another parcel',
          'Updating the tracking number after switching carriers',
          'Using a platform shipping label',
        ],
        correctIndex: 1,
        explanation: 'A tracking number must belong to the parcel that contains the order.',
      },
      {
        prompt: 'Why is fake tracking penalised?',
        choices: [
          'It misleads buyers, hides late dispatch and blocks their purchase protection',
          'It slows down the website',
          'It increases label costs',
          'It is only penalised for self-shipping shops',
        ],
        correctIndex: 0,
        explanation: 'Tracking drives delivery promises and buyer protection; fake numbers defeat both.',
      },
      {
        prompt: 'The carrier has not scanned your parcel yet. What should you upload?',
        choices: [
          'A placeholder number until the scan happens',
          'The tracking number from a previous order',
          'The real tracking number from the label; the scans will follow',
          'Nothing, until the buyer asks',
        ],
        correctIndex: 2,
        explanation: 'Upload the real number once the parcel is handed over; scans appear as the carrier processes it.',
      },
    ],
  },
  REFUSING_VALID_RETURNS: {
    title: 'Returns and refunds quiz',
    description: 'Buyer return rights and how to handle disputes.',
    questions: [
      {
        prompt: 'A buyer reports an item arrived damaged, within the return window. What should you do?',
        choices: [
          'Refuse, because it left your warehouse intact',
          'Accept the return or refund under the marketplace return policy',
          'Ask for a 5-star review first',
          'Refund only if the buyer pays the return shipping',
        ],
        correctIndex: 1,
        explanation: 'Damaged-on-arrival items must be returned or refunded; the seller bears the return cost.',
      },
      {
        prompt: "Can your shop policy say 'no returns, no refunds' on the marketplace?",
        choices: [
          'Yes, your policy overrides the marketplace rules',
          'Yes, for discounted items',
          'Yes, if it is shown in bold on the listing',
          'No: marketplace and statutory return rights apply regardless',
        ],
        correctIndex: 3,
        explanation: 'Shop policies can add to buyer rights but cannot remove marketplace or legal rights.',
      },
      {
        prompt: 'A returned item looks used. What is the correct step?',
        choices: [
          'Keep both the item and the money',
          'Open a dispute with photos through the platform before the deadline',
          "Post the buyer's name publicly",
          "Charge the buyer's card outside the platform",
        ],
        correctIndex: 1,
        explanation: 'Disputes with evidence go through the platform, which decides on a partial or full refund.',
      },
    ],
  },
  INACCURATE_LISTING: {
    title: 'Accurate listings quiz',
    description: 'Titles, attributes, images and categories that match the product.',
    questions: [
      {
        prompt: 'Which listing is inaccurate?',
        choices: [
          'A 500 ml bottle listed as 500 ml',
          "A polyester dress listed as '100 % silk'",
          'A listing that shows every colour variant',
          'A listing with a size chart',
        ],
        correctIndex: 1,
        explanation: 'Material, size and other attributes must match what the buyer receives.',
      },
      {
        prompt: 'Why does putting a product in the wrong category matter?',
        choices: [
          'It does not: search ignores categories',
          'It only changes the shipping fee',
          'Categories drive restricted and prohibited checks, the primary-category rule and search; miscategorising to avoid them is a violation',
          'It only matters for electronics',
        ],
        correctIndex: 2,
        explanation: 'The category decides which rules apply, so it must describe the product truthfully.',
      },
      {
        prompt: "Your supplier changed the product's material. What must you do?",
        choices: [
          'Nothing until a buyer complains',
          'Update the description, images and attributes before selling the new version',
          'Open a new shop for the new version',
          'Raise the price',
        ],
        correctIndex: 1,
        explanation: 'The listing must describe the product you actually ship.',
      },
    ],
  },
  LIVE_SESSION_CONDUCT: {
    title: 'Live session conduct quiz',
    description: 'Honest selling in live shopping sessions.',
    questions: [
      {
        prompt: 'Which behaviour in a live session breaks the conduct rules?',
        choices: [
          'Demonstrating how the product works',
          'Showing a countdown for a real flash deal',
          "Saying 'only 2 left' while you have 500 in stock",
          'Answering questions from the chat',
        ],
        correctIndex: 2,
        explanation: 'Fake scarcity pressures buyers with false information.',
      },
      {
        prompt:
          'An affiliate creator runs a live session selling your products. Who is responsible for the conduct in it?',
        choices: [
          'Only the creator',
          'Both the creator and the shop whose products are promoted',
          'Only the platform',
          'Nobody, if the session is not recorded',
        ],
        correctIndex: 1,
        explanation: 'Live content promoting your products counts against your shop as well as the creator.',
      },
      {
        prompt: 'A viewer posts abusive comments during your live session. What should the host do?',
        choices: [
          'Argue back on air',
          'Read the comments aloud to shame the viewer',
          'End the stream and restart under another account',
          'Use the moderation tools (mute, remove, report) and carry on',
        ],
        correctIndex: 3,
        explanation: 'Moderation tools handle abuse without escalating it on air.',
      },
    ],
  },
  UNSAFE_CONTENT: {
    title: 'Safe content quiz',
    description: 'Showing products without encouraging dangerous acts.',
    questions: [
      {
        prompt: 'Which product video is unsafe content?',
        choices: [
          'A kitchen knife cutting vegetables on a board',
          'A "challenge" to swallow several supplement capsules at once without water',
          'Unboxing a cycling helmet',
          'Installing a car seat by following the manual',
        ],
        correctIndex: 1,
        explanation: 'Challenges that viewers could hurt themselves imitating are unsafe, whatever the product.',
      },
      {
        prompt: "A video charges a power bank in a bathtub 'to prove it is waterproof'. Why is this a problem?",
        choices: [
          'It shows a dangerous act that risks electric shock if imitated',
          'The video is too long',
          'Power banks are prohibited',
          'Bathtubs cannot appear in product videos',
        ],
        correctIndex: 0,
        explanation: 'Demonstrations must not show misuse that could injure viewers who copy them.',
      },
      {
        prompt: 'How should you show a product that can be dangerous if misused, such as a mandoline slicer?',
        choices: [
          'Without the safety guard, so it looks faster',
          'Used by a child, to show how easy it is',
          "With the safety guard in place, following the manufacturer's instructions",
          'Not at all: mandolines are prohibited',
        ],
        correctIndex: 2,
        explanation: 'Show correct, safe use; the product itself is allowed.',
      },
    ],
  },
  UNDISCLOSED_PARTNERSHIP: {
    title: 'Paid partnership disclosure quiz',
    description: 'When and how creators disclose commercial relationships.',
    questions: [
      {
        prompt: 'A creator you pay promotes your product in a video. What must the video show?',
        choices: [
          'Nothing; the payment is private',
          'A clear paid-partnership disclosure using the platform’s branded-content label',
          'Your bank details',
          'A discount code only',
        ],
        correctIndex: 1,
        explanation: 'Paid promotion must be disclosed clearly so viewers know it is advertising.',
      },
      {
        prompt: 'Do free products count as a connection that must be disclosed?',
        choices: [
          'No, only cash payments count',
          'Only if the products are worth more than USD 500',
          'Only on the US site',
          'Yes: free products, commission and other benefits must all be disclosed',
        ],
        correctIndex: 3,
        explanation: 'Any material benefit, including gifted products and affiliate commission, requires disclosure.',
      },
      {
        prompt: 'Where should the disclosure be?',
        choices: [
          'Clearly visible from the start, with the platform label, and said aloud in live sessions',
          'In the third line of hashtags',
          "In the shop's terms and conditions",
          "Only in the creator's profile bio",
        ],
        correctIndex: 0,
        explanation: 'A disclosure has to be seen before the viewer is persuaded, not hidden where few will find it.',
      },
    ],
  },
  MINOR_SAFETY: {
    title: 'Minor safety quiz',
    description: 'Protecting children in content, listings and conversations.',
    questions: [
      {
        prompt: 'Which of these is a minor-safety violation?',
        choices: [
          'A parent buying toys during a live session',
          'Featuring a child in a revealing swimwear try-on video',
          'Listing baby bottles',
          'An adult demonstrating an age-appropriate toy',
        ],
        correctIndex: 1,
        explanation: 'Content that sexualises or endangers minors is removed and carries high points.',
      },
      {
        prompt: 'You sell a toy with small parts for ages 3+. What must the listing include?',
        choices: [
          'A choking-hazard warning for children under 3 and the age grading',
          'Nothing, if the box carries the warning',
          'A creator endorsement',
          'A discount for parents',
        ],
        correctIndex: 0,
        explanation: 'Safety warnings must be visible to buyers before purchase, not only on the packaging.',
      },
      {
        prompt:
          'A viewer who appears to be about 12 asks for your personal phone number in a live session. What do you do?',
        choices: [
          'Share it to close the sale',
          'Offer a private video call instead',
          'Ask for their home address to send a gift',
          'Do not share contact details or move the conversation off the platform; keep to public, platform tools',
        ],
        correctIndex: 3,
        explanation: 'Contacting minors outside platform tools is prohibited.',
      },
    ],
  },
  HARASSMENT_AND_HATE: {
    title: 'Respectful conduct quiz',
    description: 'Harassment, threats and hateful speech.',
    questions: [
      {
        prompt: 'Which reply to a negative review is harassment?',
        choices: [
          'Thanking the buyer and offering a return',
          "Posting the buyer's name and address and insulting them",
          'Politely pointing to the size chart',
          'Asking support to check a review that breaks the rules',
        ],
        correctIndex: 1,
        explanation: 'Exposing personal details and insulting buyers is harassment.',
      },
      {
        prompt: "A host uses slurs about a nationality in a product video 'as a joke'. How is this treated?",
        choices: [
          'Allowed as satire',
          'Allowed in live sessions only',
          'Hateful conduct and a violation, whatever the intent',
          'Allowed if the video is muted later',
        ],
        correctIndex: 2,
        explanation: 'Slurs about protected groups are hateful conduct regardless of intent.',
      },
      {
        prompt: 'A competitor insults your shop in the comments. What is the right response?',
        choices: [
          'Report it through the platform and do not retaliate',
          'Organise your followers to spam their shop',
          'Leave fake reviews on their products',
          'Send threats by direct message',
        ],
        correctIndex: 0,
        explanation: 'Reporting lets the platform act; retaliating breaks the policy yourself.',
      },
    ],
  },
  BUYER_DATA_MISUSE: {
    title: 'Buyer data quiz',
    description: 'Using and protecting buyer personal data.',
    questions: [
      {
        prompt: "What may you use a buyer's shipping address for?",
        choices: [
          'Fulfilling and supporting that order',
          'Your email marketing list',
          'Selling it to a partner brand',
          'Sending catalogues from other shops',
        ],
        correctIndex: 0,
        explanation: 'Order data may be used only to fulfil and support the order.',
      },
      {
        prompt: "A buyer's phone number is on the shipping label. May you message them on WhatsApp with offers?",
        choices: [
          'Yes, if they bought from you before',
          'No: order data may not be used for marketing outside the platform',
          'Yes, once a month',
          'Only during campaigns',
        ],
        correctIndex: 1,
        explanation: 'Using order contact details for marketing is misuse of buyer data.',
      },
      {
        prompt: 'How should you handle printed packing slips after dispatch?',
        choices: [
          'Pin them on the warehouse wall',
          'Hand them to the courier',
          'Keep them secure and shred them when no longer needed',
          'Post them online as proof of sales',
        ],
        correctIndex: 2,
        explanation: 'Paper records with personal data must be kept secure and destroyed when no longer needed.',
      },
    ],
  },
};
