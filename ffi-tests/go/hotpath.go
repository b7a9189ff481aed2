package partliq

/*
#cgo CFLAGS: -I${SRCDIR}/../../include
#include <partliq.h>
*/
import "C"

import (
	"unsafe"
)

// ScanAccount is partliq_scan_account.
type ScanAccount struct {
	Collateral    int64
	FirstPosition uint32
	PositionCount uint32
}

// ScanHit is partliq_scan_hit.
type ScanHit struct {
	AccountIndex uint64
	Health       Health
}

// ScanOutcome is partliq_scan_outcome.
type ScanOutcome struct {
	Count       uint64
	Next        uint64
	ExactChecks uint64
	End         uint32
	Error       uint32
}

// IndexEntry is partliq_index_entry.
type IndexEntry struct {
	Key      int64
	Account  uint32
	Position uint32
}

// IndexQuery is partliq_index_query.
type IndexQuery struct {
	Count uint64
	Next  uint64
	Total uint64
}

// PriorityItem is partliq_priority_item.
type PriorityItem struct {
	Equity        int64
	Maintenance   int64
	Notional      int64
	OraclePrice   int64
	FillablePrice int64
}

// Scan ends, priority orders and the table statuses the tests use.
const (
	ScanComplete              = C.PARTLIQ_SCAN_END_COMPLETE
	ScanBufferFull            = C.PARTLIQ_SCAN_END_BUFFER_FULL
	ScanFailed                = C.PARTLIQ_SCAN_END_FAILED
	PriorityMarginRatio       = C.PARTLIQ_PRIORITY_ORDER_MARGIN_RATIO
	PriorityOracleDistance    = C.PARTLIQ_PRIORITY_ORDER_ORACLE_DISTANCE
	StatusStaleScanTable      = C.PARTLIQ_STATUS_STALE_SCAN_TABLE
	StatusTableTooSmall       = C.PARTLIQ_STATUS_TABLE_MEMORY_TOO_SMALL
	StatusTableMisaligned     = C.PARTLIQ_STATUS_TABLE_MEMORY_MISALIGNED
	StatusTableNotInit        = C.PARTLIQ_STATUS_TABLE_NOT_INITIALIZED
	StatusIndexMarketMismatch = C.PARTLIQ_STATUS_INDEX_MARKET_MISMATCH
	StatusAlreadyLiquidated   = C.PARTLIQ_STATUS_ALREADY_LIQUIDATED_THIS_BLOCK
)

var (
	_ [unsafe.Sizeof(ScanAccount{}) - C.sizeof_partliq_scan_account]byte
	_ [C.sizeof_partliq_scan_account - unsafe.Sizeof(ScanAccount{})]byte
	_ [unsafe.Sizeof(ScanHit{}) - C.sizeof_partliq_scan_hit]byte
	_ [C.sizeof_partliq_scan_hit - unsafe.Sizeof(ScanHit{})]byte
	_ [unsafe.Sizeof(ScanOutcome{}) - C.sizeof_partliq_scan_outcome]byte
	_ [C.sizeof_partliq_scan_outcome - unsafe.Sizeof(ScanOutcome{})]byte
	_ [unsafe.Sizeof(IndexEntry{}) - C.sizeof_partliq_index_entry]byte
	_ [C.sizeof_partliq_index_entry - unsafe.Sizeof(IndexEntry{})]byte
	_ [unsafe.Sizeof(IndexQuery{}) - C.sizeof_partliq_index_query]byte
	_ [C.sizeof_partliq_index_query - unsafe.Sizeof(IndexQuery{})]byte
	_ [unsafe.Sizeof(PriorityItem{}) - C.sizeof_partliq_priority_item]byte
	_ [C.sizeof_partliq_priority_item - unsafe.Sizeof(PriorityItem{})]byte
)

// Table is caller memory for a scanner or an index: Go-owned words (no Go
// pointers inside), viewed from the first address aligned to Align.
type Table struct {
	words []uint64
	off   int
	Len   int
}

// NewTable makes memory of n bytes aligned to align (a power of two ≤ 64).
func NewTable(n, align int) *Table {
	words := make([]uint64, n/8+16)
	base := uintptr(unsafe.Pointer(&words[0]))
	off := int((uintptr(align) - base%uintptr(align)) % uintptr(align))
	return &Table{words: words, off: off, Len: n}
}

// Ptr is the aligned address; Shifted(k) the address k bytes on (to make
// misaligned memory).
func (t *Table) Ptr() unsafe.Pointer { return t.Shifted(0) }

// Shifted is the address k bytes after the aligned one.
func (t *Table) Shifted(k int) unsafe.Pointer {
	return unsafe.Add(unsafe.Pointer(&t.words[0]), t.off+k)
}

// ScannerSize is partliq_scanner_size.
func ScannerSize(markets int) int { return int(C.partliq_scanner_size(C.size_t(markets))) }

// ScannerInit is partliq_scanner_init over mem (len bytes).
func ScannerInit(mem unsafe.Pointer, length int, p *Pool) error {
	c := p.c()
	return check(C.partliq_scanner_init(mem, C.size_t(length), c.markets, c.nMarkets, c.prices, c.nPrices))
}

// ScannerScan is partliq_scanner_scan of accounts[start:] (positions in p)
// with a hit buffer of hitsLen; the hits returned are the Count written.
func ScannerScan(mem unsafe.Pointer, length int, p *Pool, accounts []ScanAccount, start int, hitsLen int) (ScanOutcome, []ScanHit, error) {
	var out ScanOutcome
	hits := make([]ScanHit, hitsLen)
	c := p.c()
	err := check(C.partliq_scanner_scan(mem, C.size_t(length), c.markets, c.nMarkets, c.prices, c.nPrices,
		(*C.partliq_scan_account)(first(accounts)), C.size_t(len(accounts)), c.positions, c.nPositions, C.size_t(start),
		(*C.partliq_scan_hit)(first(hits)), C.size_t(hitsLen), (*C.partliq_scan_outcome)(unsafe.Pointer(&out))))
	if err != nil {
		return ScanOutcome{}, nil, err
	}
	return out, hits[:out.Count], nil
}

// ScannerConfirm is partliq_scanner_confirm of entries[start:].
func ScannerConfirm(mem unsafe.Pointer, length int, p *Pool, entries []IndexEntry, accounts []ScanAccount, start int,
	hitsLen int) (ScanOutcome, []ScanHit, error) {
	var out ScanOutcome
	hits := make([]ScanHit, hitsLen)
	c := p.c()
	err := check(C.partliq_scanner_confirm(mem, C.size_t(length), c.markets, c.nMarkets, c.prices, c.nPrices,
		(*C.partliq_index_entry)(first(entries)), C.size_t(len(entries)),
		(*C.partliq_scan_account)(first(accounts)), C.size_t(len(accounts)), c.positions, c.nPositions, C.size_t(start),
		(*C.partliq_scan_hit)(first(hits)), C.size_t(hitsLen), (*C.partliq_scan_outcome)(unsafe.Pointer(&out))))
	if err != nil {
		return ScanOutcome{}, nil, err
	}
	return out, hits[:out.Count], nil
}

// IndexSize is partliq_index_size.
func IndexSize(capacity int) int { return int(C.partliq_index_size(C.size_t(capacity))) }

// IndexInit is partliq_index_init.
func IndexInit(mem unsafe.Pointer, length int, market uint32, capacity int) error {
	return check(C.partliq_index_init(mem, C.size_t(length), C.uint32_t(market), C.size_t(capacity)))
}

// IndexInsertAccount is partliq_index_insert_account, the other markets'
// bounds low = high = p's marks.
func IndexInsertAccount(mem unsafe.Pointer, length int, account uint32, accounts []ScanAccount, p *Pool) (uint64, error) {
	var n uint64
	c := p.c()
	err := check(C.partliq_index_insert_account(mem, C.size_t(length), C.uint32_t(account),
		(*C.partliq_scan_account)(first(accounts)), C.size_t(len(accounts)), c.positions, c.nPositions, c.markets, c.nMarkets,
		c.prices, c.nPrices, c.prices, c.nPrices, (*C.uint64_t)(unsafe.Pointer(&n))))
	return n, err
}

// IndexCandidates is partliq_index_candidates; the entries returned are
// the Count written.
func IndexCandidates(mem unsafe.Pointer, length int, market uint32, price int64, start, outLen int) (IndexQuery, []IndexEntry, error) {
	var q IndexQuery
	out := make([]IndexEntry, outLen)
	err := check(C.partliq_index_candidates(mem, C.size_t(length), C.uint32_t(market), C.int64_t(price), C.size_t(start),
		(*C.partliq_index_entry)(first(out)), C.size_t(outLen), (*C.partliq_index_query)(unsafe.Pointer(&q))))
	if err != nil {
		return q, nil, err
	}
	return q, out[:q.Count], nil
}

// SortByPriority is partliq_sort_by_priority: sorts indices in place.
func SortByPriority(items []PriorityItem, order uint32, indices []uint32) error {
	return check(C.partliq_sort_by_priority((*C.partliq_priority_item)(first(items)), C.size_t(len(items)), C.uint32_t(order),
		(*C.uint32_t)(first(indices)), C.size_t(len(indices))))
}

// I128 is partliq_i128: Hi × 2⁶⁴ + Lo.
type I128 struct {
	Hi int64
	Lo uint64
}

// DydxLiquidityTier is partliq_dydx_liquidity_tier.
type DydxLiquidityTier struct {
	InitialMarginPPM       uint32
	MaintenanceFractionPPM uint32
	OpenInterestLowerCap   uint64
	OpenInterestUpperCap   uint64
}

// DydxPosition is partliq_dydx_position.
type DydxPosition struct {
	PerpetualID      uint32
	AtomicResolution int32
	OpenInterest     int64
	Tier             DydxLiquidityTier
	Price            uint64
	PriceExponent    int32
	Reserved         uint32
	Quantums         int64
	QuoteBalance     int64
}

// DydxRisk is partliq_dydx_risk.
type DydxRisk struct {
	MMR int64
	IMR int64
	NC  int64
}

// DydxClobPair is partliq_dydx_clob_pair.
type DydxClobPair struct {
	StepBaseQuantums          uint64
	SubticksPerTick           uint32
	QuantumConversionExponent int32
}

// DydxRational is partliq_dydx_rational.
type DydxRational struct {
	Num I128
	Den I128
}

// DydxConfig is partliq_dydx_liquidation_config.
type DydxConfig struct {
	MaxLiquidationFeePPM              uint32
	BankruptcyAdjustmentPPM           uint32
	SpreadToMaintenanceMarginRatioPPM uint32
	MaxPositionPortionLiquidatedPPM   uint32
	MinPositionNotionalLiquidated     uint64
	MaxNotionalLiquidated             uint64
	MaxQuantumsInsuranceLost          uint64
}

// AaveReserve is partliq_aave_reserve.
type AaveReserve struct {
	Price                  I128
	Decimals               uint32
	LiquidationThreshold   uint32
	LiquidationBonus       uint32
	LiquidationProtocolFee uint32
	LiquidityIndex         I128
	VariableBorrowIndex    I128
}

// AaveUserReserve is partliq_aave_user_reserve.
type AaveUserReserve struct {
	ScaledCollateral I128
	ScaledDebt       I128
	UseAsCollateral  uint32
	Reserved         uint32
}

// AaveAccount is partliq_aave_account.
type AaveAccount struct {
	TotalCollateralBase     I128
	TotalDebtBase           I128
	WeightedThreshold       I128
	AvgLiquidationThreshold I128
	HealthFactor            I128
}

var (
	_ [unsafe.Sizeof(I128{}) - C.sizeof_partliq_i128]byte
	_ [C.sizeof_partliq_i128 - unsafe.Sizeof(I128{})]byte
	_ [unsafe.Sizeof(DydxPosition{}) - C.sizeof_partliq_dydx_position]byte
	_ [C.sizeof_partliq_dydx_position - unsafe.Sizeof(DydxPosition{})]byte
	_ [unsafe.Sizeof(DydxRisk{}) - C.sizeof_partliq_dydx_risk]byte
	_ [C.sizeof_partliq_dydx_risk - unsafe.Sizeof(DydxRisk{})]byte
	_ [unsafe.Sizeof(DydxClobPair{}) - C.sizeof_partliq_dydx_clob_pair]byte
	_ [C.sizeof_partliq_dydx_clob_pair - unsafe.Sizeof(DydxClobPair{})]byte
	_ [unsafe.Sizeof(DydxRational{}) - C.sizeof_partliq_dydx_rational]byte
	_ [C.sizeof_partliq_dydx_rational - unsafe.Sizeof(DydxRational{})]byte
	_ [unsafe.Sizeof(DydxConfig{}) - C.sizeof_partliq_dydx_liquidation_config]byte
	_ [C.sizeof_partliq_dydx_liquidation_config - unsafe.Sizeof(DydxConfig{})]byte
	_ [unsafe.Sizeof(AaveReserve{}) - C.sizeof_partliq_aave_reserve]byte
	_ [C.sizeof_partliq_aave_reserve - unsafe.Sizeof(AaveReserve{})]byte
	_ [unsafe.Sizeof(AaveUserReserve{}) - C.sizeof_partliq_aave_user_reserve]byte
	_ [C.sizeof_partliq_aave_user_reserve - unsafe.Sizeof(AaveUserReserve{})]byte
	_ [unsafe.Sizeof(AaveAccount{}) - C.sizeof_partliq_aave_account]byte
	_ [C.sizeof_partliq_aave_account - unsafe.Sizeof(AaveAccount{})]byte
)

// DydxCodeDefault is partliq_dydx_liquidation_config_code_default.
func DydxCodeDefault() DydxConfig {
	var c DydxConfig
	C.partliq_dydx_liquidation_config_code_default((*C.partliq_dydx_liquidation_config)(unsafe.Pointer(&c)))
	return c
}

// DydxSubaccountRisk is partliq_dydx_subaccount_risk.
func DydxSubaccountRisk(usdc int64, positions []DydxPosition) (DydxRisk, error) {
	var r DydxRisk
	err := check(C.partliq_dydx_subaccount_risk(C.int64_t(usdc), (*C.partliq_dydx_position)(first(positions)), C.size_t(len(positions)),
		(*C.partliq_dydx_risk)(unsafe.Pointer(&r))))
	return r, err
}

// DydxFillablePrice is partliq_dydx_fillable_price.
func DydxFillablePrice(p *DydxPosition, total *DydxRisk, delta int64, cfg *DydxConfig) (DydxRational, error) {
	var r DydxRational
	err := check(C.partliq_dydx_fillable_price((*C.partliq_dydx_position)(unsafe.Pointer(p)), (*C.partliq_dydx_risk)(unsafe.Pointer(total)),
		C.int64_t(delta), (*C.partliq_dydx_liquidation_config)(unsafe.Pointer(cfg)), (*C.partliq_dydx_rational)(unsafe.Pointer(&r))))
	return r, err
}

// DydxFillablePriceToSubticks is partliq_dydx_fillable_price_to_subticks.
func DydxFillablePriceToSubticks(price *DydxRational, liquidatingLong uint32, clob *DydxClobPair) (uint64, error) {
	var s uint64
	err := check(C.partliq_dydx_fillable_price_to_subticks((*C.partliq_dydx_rational)(unsafe.Pointer(price)), C.uint32_t(liquidatingLong),
		(*C.partliq_dydx_clob_pair)(unsafe.Pointer(clob)), (*C.uint64_t)(unsafe.Pointer(&s))))
	return s, err
}

// AaveAccountData is partliq_aave_account_data.
func AaveAccountData(reserves []AaveReserve, user []AaveUserReserve) (AaveAccount, error) {
	var a AaveAccount
	err := check(C.partliq_aave_account_data((*C.partliq_aave_reserve)(first(reserves)), C.size_t(len(reserves)),
		(*C.partliq_aave_user_reserve)(first(user)), C.size_t(len(user)), (*C.partliq_aave_account)(unsafe.Pointer(&a))))
	return a, err
}

// ScannerAlign is partliq_scanner_align; IndexAlign partliq_index_align.
func ScannerAlign() int { return int(C.partliq_scanner_align()) }

// IndexAlign is partliq_index_align.
func IndexAlign() int { return int(C.partliq_index_align()) }

// IndexStats is partliq_index_stats.
type IndexStats struct {
	Capacity    uint64
	Longs       uint64
	Shorts      uint64
	MarketIndex uint32
	Reserved    uint32
}

var (
	_ [unsafe.Sizeof(IndexStats{}) - C.sizeof_partliq_index_stats]byte
	_ [C.sizeof_partliq_index_stats - unsafe.Sizeof(IndexStats{})]byte
)

// IndexInfo is partliq_index_info.
func IndexInfo(mem unsafe.Pointer, length int) (IndexStats, error) {
	var s IndexStats
	err := check(C.partliq_index_info(mem, C.size_t(length), (*C.partliq_index_stats)(unsafe.Pointer(&s))))
	return s, err
}

// IndexRekeyAccount is partliq_index_rekey_account (bounds: p's marks).
func IndexRekeyAccount(mem unsafe.Pointer, length int, account uint32, accounts []ScanAccount, p *Pool) (removed, inserted uint64, err error) {
	c := p.c()
	err = check(C.partliq_index_rekey_account(mem, C.size_t(length), C.uint32_t(account),
		(*C.partliq_scan_account)(first(accounts)), C.size_t(len(accounts)), c.positions, c.nPositions, c.markets, c.nMarkets,
		c.prices, c.nPrices, c.prices, c.nPrices, (*C.uint64_t)(unsafe.Pointer(&removed)), (*C.uint64_t)(unsafe.Pointer(&inserted))))
	return removed, inserted, err
}

// IndexRemoveAccount is partliq_index_remove_account.
func IndexRemoveAccount(mem unsafe.Pointer, length int, account uint32) (uint64, error) {
	var n uint64
	err := check(C.partliq_index_remove_account(mem, C.size_t(length), C.uint32_t(account), (*C.uint64_t)(unsafe.Pointer(&n))))
	return n, err
}

// IndexCrossed is partliq_index_crossed; the entries returned are the Count written.
func IndexCrossed(mem unsafe.Pointer, length int, market uint32, from, to int64, start, outLen int) (IndexQuery, []IndexEntry, error) {
	var q IndexQuery
	out := make([]IndexEntry, outLen)
	err := check(C.partliq_index_crossed(mem, C.size_t(length), C.uint32_t(market), C.int64_t(from), C.int64_t(to), C.size_t(start),
		(*C.partliq_index_entry)(first(out)), C.size_t(outLen), (*C.partliq_index_query)(unsafe.Pointer(&q))))
	if err != nil {
		return q, nil, err
	}
	return q, out[:q.Count], nil
}

// DydxFill is partliq_dydx_fill.
type DydxFill struct {
	FillAmount uint64
	Subticks   uint64
	IsBuy      uint32
	Reserved   uint32
}

// DydxNotionalLimits is partliq_dydx_notional_limits.
type DydxNotionalLimits struct{ Min, Max int64 }

// DydxBlockLeft is partliq_dydx_block_left.
type DydxBlockLeft struct{ Notional, InsuranceLost int64 }

var (
	_ [unsafe.Sizeof(DydxFill{}) - C.sizeof_partliq_dydx_fill]byte
	_ [C.sizeof_partliq_dydx_fill - unsafe.Sizeof(DydxFill{})]byte
	_ [unsafe.Sizeof(DydxNotionalLimits{}) - C.sizeof_partliq_dydx_notional_limits]byte
	_ [unsafe.Sizeof(DydxBlockLeft{}) - C.sizeof_partliq_dydx_block_left]byte
	_ [unsafe.Sizeof(DydxLiquidityTier{}) - C.sizeof_partliq_dydx_liquidity_tier]byte
	_ [C.sizeof_partliq_dydx_liquidity_tier - unsafe.Sizeof(DydxLiquidityTier{})]byte
)

// DydxMainnetGenesis is partliq_dydx_liquidation_config_mainnet_genesis.
func DydxMainnetGenesis() DydxConfig {
	var c DydxConfig
	C.partliq_dydx_liquidation_config_mainnet_genesis((*C.partliq_dydx_liquidation_config)(unsafe.Pointer(&c)))
	return c
}

// DydxConfigValidate is partliq_dydx_liquidation_config_validate: dYdX's
// LiquidationsConfig.Validate.
func DydxConfigValidate(cfg *DydxConfig) error {
	return check(C.partliq_dydx_liquidation_config_validate((*C.partliq_dydx_liquidation_config)(unsafe.Pointer(cfg))))
}

// DydxAdjustedInitialMarginPPM is partliq_dydx_adjusted_initial_margin_ppm.
func DydxAdjustedInitialMarginPPM(tier *DydxLiquidityTier, oi int64) (uint32, error) {
	var v uint32
	err := check(C.partliq_dydx_adjusted_initial_margin_ppm((*C.partliq_dydx_liquidity_tier)(unsafe.Pointer(tier)), C.int64_t(oi),
		(*C.uint32_t)(unsafe.Pointer(&v))))
	return v, err
}

// DydxPositionRisk is partliq_dydx_position_risk.
func DydxPositionRisk(p *DydxPosition, customIMF uint32) (DydxRisk, error) {
	var r DydxRisk
	err := check(C.partliq_dydx_position_risk((*C.partliq_dydx_position)(unsafe.Pointer(p)), C.uint32_t(customIMF),
		(*C.partliq_dydx_risk)(unsafe.Pointer(&r))))
	return r, err
}

// DydxBankruptcyQuote is partliq_dydx_bankruptcy_price_quote_quantums.
func DydxBankruptcyQuote(p *DydxPosition, total *DydxRisk, delta int64) (int64, error) {
	var v int64
	err := check(C.partliq_dydx_bankruptcy_price_quote_quantums((*C.partliq_dydx_position)(unsafe.Pointer(p)),
		(*C.partliq_dydx_risk)(unsafe.Pointer(total)), C.int64_t(delta), (*C.int64_t)(unsafe.Pointer(&v))))
	return v, err
}

// DydxInsuranceFundDelta is partliq_dydx_insurance_fund_delta.
func DydxInsuranceFundDelta(p *DydxPosition, total *DydxRisk, clob *DydxClobPair, maxFeePPM uint32, fill *DydxFill) (int64, error) {
	var v int64
	err := check(C.partliq_dydx_insurance_fund_delta((*C.partliq_dydx_position)(unsafe.Pointer(p)), (*C.partliq_dydx_risk)(unsafe.Pointer(total)),
		(*C.partliq_dydx_clob_pair)(unsafe.Pointer(clob)), C.uint32_t(maxFeePPM), (*C.partliq_dydx_fill)(unsafe.Pointer(fill)),
		(*C.int64_t)(unsafe.Pointer(&v))))
	return v, err
}

// DydxPositionNotionalLimits is partliq_dydx_position_notional_limits.
func DydxPositionNotionalLimits(p *DydxPosition, cfg *DydxConfig) (DydxNotionalLimits, error) {
	var l DydxNotionalLimits
	err := check(C.partliq_dydx_position_notional_limits((*C.partliq_dydx_position)(unsafe.Pointer(p)),
		(*C.partliq_dydx_liquidation_config)(unsafe.Pointer(cfg)), (*C.partliq_dydx_notional_limits)(unsafe.Pointer(&l))))
	return l, err
}

// DydxSubaccountBlockLeft is partliq_dydx_subaccount_block_left.
func DydxSubaccountBlockLeft(cfg *DydxConfig, liquidated []uint32, notional, lost uint64, perpetual uint32) (DydxBlockLeft, error) {
	var b DydxBlockLeft
	err := check(C.partliq_dydx_subaccount_block_left((*C.partliq_dydx_liquidation_config)(unsafe.Pointer(cfg)),
		(*C.uint32_t)(first(liquidated)), C.size_t(len(liquidated)), C.uint64_t(notional), C.uint64_t(lost), C.uint32_t(perpetual),
		(*C.partliq_dydx_block_left)(unsafe.Pointer(&b))))
	return b, err
}

// DydxLiquidatableSizeDelta is partliq_dydx_liquidatable_size_delta.
func DydxLiquidatableSizeDelta(p *DydxPosition, clob *DydxClobPair, cfg *DydxConfig, liquidated []uint32, notional, lost uint64) (int64, error) {
	var v int64
	err := check(C.partliq_dydx_liquidatable_size_delta((*C.partliq_dydx_position)(unsafe.Pointer(p)), (*C.partliq_dydx_clob_pair)(unsafe.Pointer(clob)),
		(*C.partliq_dydx_liquidation_config)(unsafe.Pointer(cfg)), (*C.uint32_t)(first(liquidated)), C.size_t(len(liquidated)),
		C.uint64_t(notional), C.uint64_t(lost), (*C.int64_t)(unsafe.Pointer(&v))))
	return v, err
}

// AaveMaxDebt is partliq_aave_max_debt.
type AaveMaxDebt struct {
	MaxLiquidatableDebt   I128
	ReserveDebt           I128
	ReserveDebtBase       I128
	ReserveCollateral     I128
	ReserveCollateralBase I128
	Rule                  uint32
	Reserved              uint32
}

// AaveCollateralQuote is partliq_aave_collateral_quote.
type AaveCollateralQuote struct {
	CollateralToLiquidator I128
	DebtRepaid             I128
	ProtocolFee            I128
	BonusCollateral        I128
	BaseCollateral         I128
	CappedByBalance        uint32
	Reserved               uint32
}

// AaveCall is partliq_aave_call.
type AaveCall struct {
	CollateralIndex uint32
	DebtIndex       uint32
	DebtToCover     I128
	ReceiveAToken   uint32
	Reserved        uint32
}

// AaveLiquidation is partliq_aave_liquidation.
type AaveLiquidation struct {
	AccountBefore                AaveAccount
	AccountAfter                 AaveAccount
	CloseFactor                  AaveMaxDebt
	Quote                        AaveCollateralQuote
	DebtRequested                I128
	DebtRepaid                   I128
	CollateralToLiquidator       I128
	ProtocolFee                  I128
	ScaledCollateralToLiquidator I128
	ScaledProtocolFee            I128
	ScaledDebtBurned             I128
	Deficit                      I128
	LiquidationBonus             uint32
	Dust                         uint32
	CollateralFullyConsumed      uint32
	HasNoCollateralLeft          uint32
	BadDebtReserves              uint32
	Reserved                     uint32
}

var (
	_ [unsafe.Sizeof(AaveMaxDebt{}) - C.sizeof_partliq_aave_max_debt]byte
	_ [C.sizeof_partliq_aave_max_debt - unsafe.Sizeof(AaveMaxDebt{})]byte
	_ [unsafe.Sizeof(AaveCollateralQuote{}) - C.sizeof_partliq_aave_collateral_quote]byte
	_ [C.sizeof_partliq_aave_collateral_quote - unsafe.Sizeof(AaveCollateralQuote{})]byte
	_ [unsafe.Sizeof(AaveCall{}) - C.sizeof_partliq_aave_call]byte
	_ [C.sizeof_partliq_aave_call - unsafe.Sizeof(AaveCall{})]byte
	_ [unsafe.Sizeof(AaveLiquidation{}) - C.sizeof_partliq_aave_liquidation]byte
	_ [C.sizeof_partliq_aave_liquidation - unsafe.Sizeof(AaveLiquidation{})]byte
)

// AaveCloseFactor is partliq_aave_close_factor.
func AaveCloseFactor(reserves []AaveReserve, user []AaveUserReserve, collateral, debt uint32) (AaveMaxDebt, error) {
	var m AaveMaxDebt
	err := check(C.partliq_aave_close_factor((*C.partliq_aave_reserve)(first(reserves)), C.size_t(len(reserves)),
		(*C.partliq_aave_user_reserve)(first(user)), C.size_t(len(user)), C.uint32_t(collateral), C.uint32_t(debt),
		(*C.partliq_aave_max_debt)(unsafe.Pointer(&m))))
	return m, err
}

// AaveCollateralForDebt is partliq_aave_collateral_for_debt.
func AaveCollateralForDebt(collateral, debt *AaveReserve, cover, balance I128, bonusBps uint32) (AaveCollateralQuote, error) {
	var q AaveCollateralQuote
	err := check(C.partliq_aave_collateral_for_debt((*C.partliq_aave_reserve)(unsafe.Pointer(collateral)), (*C.partliq_aave_reserve)(unsafe.Pointer(debt)),
		(*C.partliq_i128)(unsafe.Pointer(&cover)), (*C.partliq_i128)(unsafe.Pointer(&balance)), C.uint32_t(bonusBps),
		(*C.partliq_aave_collateral_quote)(unsafe.Pointer(&q))))
	return q, err
}

// AaveLiquidationCall is partliq_aave_liquidation_call with output arrays
// as long as the reserves.
func AaveLiquidationCall(reserves []AaveReserve, user []AaveUserReserve, call *AaveCall) (AaveLiquidation, []AaveUserReserve, []I128, error) {
	var l AaveLiquidation
	after := make([]AaveUserReserve, len(reserves))
	deficits := make([]I128, len(reserves))
	err := check(C.partliq_aave_liquidation_call((*C.partliq_aave_reserve)(first(reserves)), C.size_t(len(reserves)),
		(*C.partliq_aave_user_reserve)(first(user)), C.size_t(len(user)), (*C.partliq_aave_call)(unsafe.Pointer(call)),
		(*C.partliq_aave_user_reserve)(first(after)), C.size_t(len(after)), (*C.partliq_i128)(first(deficits)), C.size_t(len(deficits)),
		(*C.partliq_aave_liquidation)(unsafe.Pointer(&l))))
	if err != nil {
		return AaveLiquidation{}, nil, nil, err
	}
	return l, after, deficits, nil
}

// UnifiedScanAccount is partliq_unified_scan_account: a range of the flat
// balances and one of the flat positions.
type UnifiedScanAccount struct {
	FirstBalance  uint32
	BalanceCount  uint32
	FirstPosition uint32
	PositionCount uint32
}

// UnifiedScanHit is partliq_unified_scan_hit.
type UnifiedScanHit struct {
	AccountIndex uint64
	PoolIndex    uint64
	Health       UnifiedHealth
}

// UnifiedScanOutcome is partliq_unified_scan_outcome.
type UnifiedScanOutcome struct {
	Count         uint64
	NextAccount   uint64
	NextPool      uint64
	ResumeAccount uint64
	ResumePool    uint64
	ExactChecks   uint64
	End           uint32
	Error         uint32
}

var (
	_ [unsafe.Sizeof(UnifiedScanAccount{}) - C.sizeof_partliq_unified_scan_account]byte
	_ [C.sizeof_partliq_unified_scan_account - unsafe.Sizeof(UnifiedScanAccount{})]byte
	_ [unsafe.Sizeof(UnifiedScanHit{}) - C.sizeof_partliq_unified_scan_hit]byte
	_ [C.sizeof_partliq_unified_scan_hit - unsafe.Sizeof(UnifiedScanHit{})]byte
	_ [unsafe.Sizeof(UnifiedScanOutcome{}) - C.sizeof_partliq_unified_scan_outcome]byte
	_ [C.sizeof_partliq_unified_scan_outcome - unsafe.Sizeof(UnifiedScanOutcome{})]byte
)

// UnifiedScan is partliq_unified_scan of the flat accounts (ranges of
// flat.Balances and flat.Positions) from pool startPool of account
// startAccount, with a hit buffer of hitsLen; the hits returned are the
// Count written.
func UnifiedScan(b *Book, flat *UnifiedAccount, accounts []UnifiedScanAccount, startAccount, startPool uint64, ladder MarginLadder,
	hitsLen int) (UnifiedScanOutcome, []UnifiedScanHit, error) {
	var out UnifiedScanOutcome
	hits := make([]UnifiedScanHit, hitsLen)
	c := cUnified(b, flat)
	err := check(C.partliq_unified_scan(c.markets, c.nMarkets, c.prices, c.nPrices, c.funding, c.nFunding, c.risk, c.nRisk,
		c.assets, c.nAssets, c.assetPrices, c.nAssetPrices, c.balances, c.nBalances, c.positions, c.nPositions,
		(*C.partliq_unified_scan_account)(first(accounts)), C.size_t(len(accounts)), C.uint64_t(startAccount), C.uint64_t(startPool),
		(*C.partliq_margin_ladder)(unsafe.Pointer(&ladder)), (*C.partliq_unified_scan_hit)(first(hits)), C.size_t(hitsLen),
		(*C.partliq_unified_scan_outcome)(unsafe.Pointer(&out))))
	if err != nil {
		return UnifiedScanOutcome{}, nil, err
	}
	return out, hits[:out.Count], nil
}
