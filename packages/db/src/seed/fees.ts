import type { Prisma } from '../generated/prisma/client.ts';

interface FeeSpec {
  code: string;
  name: string;
  description: string;
  /** Basis points of the order amount, where the fee is a percentage. */
  rateBps?: number;
}

export const FEE_CATEGORIES: FeeSpec[] = [
  // selling fees
  {
    code: 'COMMISSION',
    name: 'Marketplace commission',
    description: 'Referral commission on the item price, set per category.',
    rateBps: 700,
  },
  {
    code: 'TRANSACTION',
    name: 'Transaction fee',
    description: 'Per-order fee on the total the buyer pays, including shipping.',
    rateBps: 100,
  },
  {
    code: 'PAYMENT_PROCESSING',
    name: 'Payment processing',
    description: 'Card and wallet processing on the buyer payment.',
    rateBps: 290,
  },
  {
    code: 'INTERNATIONAL_PAYMENT',
    name: 'International payment surcharge',
    description: 'Extra processing for cards issued outside the selling site.',
    rateBps: 150,
  },
  {
    code: 'CURRENCY_CONVERSION',
    name: 'Currency conversion',
    description: 'Conversion of the settlement currency into the payout currency.',
    rateBps: 150,
  },
  {
    code: 'INSTALLMENT_PAYMENT',
    name: 'Pay-later and instalment plans',
    description: 'Fee for orders paid with buy-now-pay-later or instalments.',
    rateBps: 300,
  },
  {
    code: 'CASH_ON_DELIVERY',
    name: 'Cash on delivery handling',
    description: 'Collection and remittance of cash-on-delivery payments.',
    rateBps: 200,
  },
  {
    code: 'PAYOUT_FEE',
    name: 'Payout fee',
    description: 'Transfer of settled funds to the seller bank account.',
    rateBps: 25,
  },
  {
    code: 'SMALL_ORDER_FEE',
    name: 'Small order fee',
    description: 'Flat fee on orders below the minimum order value.',
  },
  {
    code: 'LISTING_FEE',
    name: 'Listing fee',
    description: 'Insertion fee for listings above the free monthly allowance.',
  },
  {
    code: 'SHOP_SUBSCRIPTION',
    name: 'Shop subscription',
    description: 'Monthly subscription for the professional seller plan.',
  },
  // shipping and logistics
  { code: 'SHIPPING_LABEL', name: 'Shipping label', description: 'Platform-purchased carrier label for an order.' },
  {
    code: 'SHIPPING_WEIGHT_ADJUSTMENT',
    name: 'Shipping weight adjustment',
    description: 'Carrier correction when the parcel weighed more than declared.',
  },
  {
    code: 'SHIPPING_INSURANCE',
    name: 'Shipping insurance',
    description: 'Cover for loss or damage in transit.',
    rateBps: 50,
  },
  {
    code: 'OVERSIZED_HANDLING',
    name: 'Oversized item handling',
    description: 'Handling surcharge for bulky or heavy items.',
  },
  {
    code: 'RETURN_SHIPPING',
    name: 'Return shipping',
    description: 'Return label charged to the seller for seller-fault returns.',
  },
  {
    code: 'FREE_SHIPPING_PROGRAMME',
    name: 'Free shipping programme',
    description: 'Contribution for enrolment in the free-shipping programme.',
    rateBps: 400,
  },
  {
    code: 'CROSS_BORDER_SERVICE',
    name: 'Cross-border service',
    description: 'Consolidation and export handling for cross-border orders.',
    rateBps: 150,
  },
  { code: 'CUSTOMS_CLEARANCE', name: 'Customs clearance', description: 'Broker fee for import customs clearance.' },
  {
    code: 'IMPORT_DUTY_COLLECTION',
    name: 'Import duty collection',
    description: 'Duties and import taxes collected at checkout and remitted.',
  },
  {
    code: 'LOST_PARCEL_ADJUSTMENT',
    name: 'Lost parcel adjustment',
    description: 'Adjustment after a carrier investigation of a lost parcel.',
  },
  // fulfilment by the platform
  {
    code: 'FULFILMENT_PICK_PACK',
    name: 'Fulfilment pick and pack',
    description: 'Per-unit picking and packing in a platform warehouse.',
  },
  {
    code: 'FULFILMENT_STORAGE',
    name: 'Fulfilment storage',
    description: 'Monthly storage per cubic metre in a platform warehouse.',
  },
  {
    code: 'LONG_TERM_STORAGE',
    name: 'Long-term storage',
    description: 'Surcharge on units stored for more than 180 days.',
  },
  {
    code: 'INBOUND_TRANSPORT',
    name: 'Inbound transport',
    description: 'Partnered carrier transport into the warehouse.',
  },
  {
    code: 'WAREHOUSE_RECEIVING',
    name: 'Warehouse receiving',
    description: 'Receiving of unprepared or unscheduled inbound shipments.',
  },
  {
    code: 'PACKAGING_MATERIALS',
    name: 'Packaging materials',
    description: 'Boxes, mailers and fill supplied by the warehouse.',
  },
  {
    code: 'LABELLING_SERVICE',
    name: 'Labelling service',
    description: 'Barcode labelling of units that arrived without labels.',
  },
  { code: 'REMOVAL_ORDER', name: 'Removal order', description: 'Return of stored units to the seller.' },
  { code: 'DISPOSAL', name: 'Disposal', description: 'Disposal of unsellable or expired units.' },
  { code: 'RETURN_PROCESSING', name: 'Return processing', description: 'Inspection and restocking of returned units.' },
  // affiliate, creators and advertising
  {
    code: 'AFFILIATE_COMMISSION',
    name: 'Affiliate commission',
    description: 'Commission paid to the creator whose content drove the sale.',
    rateBps: 1000,
  },
  {
    code: 'AFFILIATE_SERVICE',
    name: 'Affiliate service fee',
    description: 'Platform fee on affiliate commissions.',
    rateBps: 100,
  },
  {
    code: 'CREATOR_SAMPLE_SHIPPING',
    name: 'Creator sample shipping',
    description: 'Shipping of free samples sent to creators.',
  },
  {
    code: 'ADVERTISING',
    name: 'Advertising',
    description: 'Cost-per-sale promoted product advertising.',
    rateBps: 500,
  },
  { code: 'SEARCH_ADS', name: 'Search ads', description: 'Cost-per-click ads in search results.' },
  { code: 'DISPLAY_ADS', name: 'Display ads', description: 'Banner and feed placements outside search.' },
  { code: 'LIVE_PROMOTION_BOOST', name: 'Live session boost', description: 'Paid reach for a live shopping session.' },
  { code: 'VIDEO_PROMOTION_BOOST', name: 'Video boost', description: 'Paid reach for a shoppable video.' },
  {
    code: 'LIVE_STUDIO_RENTAL',
    name: 'Live studio rental',
    description: 'Hourly rental of a platform live-streaming studio.',
  },
  { code: 'PRODUCT_PHOTOGRAPHY', name: 'Product photography', description: 'Studio photography for listings.' },
  // campaigns and promotions
  {
    code: 'CAMPAIGN_SERVICE',
    name: 'Campaign service fee',
    description: 'Participation in mega-sale campaigns such as 11.11 and 12.12.',
    rateBps: 200,
  },
  {
    code: 'FLASH_SALE_PARTICIPATION',
    name: 'Flash sale participation',
    description: 'Slot fee for platform flash sales.',
  },
  {
    code: 'VOUCHER_COFUNDING',
    name: 'Voucher co-funding',
    description: 'Seller share of platform-issued vouchers redeemed on the order.',
  },
  {
    code: 'CASHBACK_PROGRAMME',
    name: 'Coins and cashback programme',
    description: 'Contribution to buyer coins and cashback rewards.',
    rateBps: 200,
  },
  // refunds, disputes and penalties
  {
    code: 'REFUND_ADMINISTRATION',
    name: 'Refund administration',
    description: 'Retained part of the commission when an order is refunded.',
    rateBps: 20,
  },
  { code: 'CHARGEBACK', name: 'Chargeback fee', description: 'Handling of a card chargeback raised by the buyer.' },
  {
    code: 'LATE_DISPATCH_PENALTY',
    name: 'Late dispatch penalty',
    description: 'Penalty for orders handed to the carrier after the deadline.',
  },
  {
    code: 'CANCELLATION_PENALTY',
    name: 'Seller cancellation penalty',
    description: 'Penalty for orders cancelled by the seller.',
  },
  {
    code: 'POLICY_VIOLATION_FINE',
    name: 'Policy violation fine',
    description: 'Fine under the seller agreement for serious violations.',
  },
  // compliance and services
  {
    code: 'QUALITY_INSPECTION',
    name: 'Quality inspection',
    description: 'Third-party inspection of goods in a restricted category.',
  },
  {
    code: 'CERTIFICATION_REVIEW',
    name: 'Certification review',
    description: 'Review of safety or conformity certificates.',
  },
  {
    code: 'LISTING_TRANSLATION',
    name: 'Listing translation',
    description: 'Machine and human translation of listings for other sites.',
  },
  {
    code: 'EPR_PACKAGING',
    name: 'EPR packaging compliance',
    description: 'Extended producer responsibility levy for packaging (e.g. Germany, France).',
  },
  {
    code: 'EPR_ELECTRONICS',
    name: 'EPR electronics compliance',
    description: 'Extended producer responsibility levy for electrical equipment (WEEE).',
  },
  // taxes on fees
  {
    code: 'VAT_ON_FEES',
    name: 'VAT on fees',
    description: 'Value-added tax charged on marketplace fees (GB and EU sites).',
    rateBps: 2000,
  },
  {
    code: 'GST_ON_FEES',
    name: 'GST on fees',
    description: 'Goods and services tax charged on marketplace fees (SG).',
    rateBps: 900,
  },
  {
    code: 'SST_ON_FEES',
    name: 'SST on fees',
    description: 'Service tax charged on marketplace fees (MY).',
    rateBps: 800,
  },
  {
    code: 'DIGITAL_SERVICES_TAX',
    name: 'Digital services tax',
    description: 'Recovery of digital services tax on marketplace fees.',
    rateBps: 200,
  },
  {
    code: 'WITHHOLDING_TAX',
    name: 'Withholding tax',
    description: 'Income tax withheld on seller proceeds where the site requires it (ID, PH).',
    rateBps: 50,
  },
];

export type FeeIds = Map<string, number>;

export async function seedFees(tx: Prisma.TransactionClient): Promise<FeeIds> {
  const rows = await tx.feeCategory.createManyAndReturn({
    data: FEE_CATEGORIES.map((f) => ({
      code: f.code,
      name: f.name,
      description: f.description,
      defaultRateBps: f.rateBps ?? 0,
    })),
    select: { id: true, code: true },
  });
  return new Map(rows.map((r) => [r.code, r.id]));
}

export function feeId(ids: FeeIds, code: string): number {
  const id = ids.get(code);
  if (id === undefined) throw new Error(`Unknown fee category ${code}`);
  return id;
}
