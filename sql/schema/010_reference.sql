-- Reference data transcribed from the sources (data/reference/*.csv), reloaded on every init.
-- Each table keeps the article or table of the source it comes from.

create table if not exists settings (
    as_of date  -- NULL: current_date; see view as_of_date
);

create table if not exists schemes (
    scheme            varchar primary key,  -- brl9341, pkvw, asbestos_person, asbestos_process, copro_exe
    name              varchar not null,
    source_document   varchar not null
);

create table if not exists products (
    product      varchar primary key,       -- canonical code, e.g. boomgranulaat
    name_nl      varchar not null,
    name_en      varchar not null,
    source       varchar not null
);

create table if not exists ref_components (
    component    varchar primary key,       -- canonical code, e.g. arsenic
    name_nl      varchar not null,
    name_en      varchar not null,
    symbol       varchar,
    table_kind   varchar not null,          -- composition (bijlage III) / emission (bijlage IV)
    source       varchar not null
);

create table if not exists ref_component_aliases (
    alias        varchar primary key,       -- lower-case spelling found in lab files
    component    varchar not null
);

create table if not exists ref_limits (
    component    varchar not null,
    limit_value  double not null,           -- mg/kg d.s.
    valid_from   date not null,
    valid_to     date,                      -- inclusive; NULL = open-ended
    source       varchar not null,
    primary key (component, valid_from)
);

create table if not exists ref_k_classes (
    n_window        integer not null,       -- 5 or 10
    test_class      varchar not null,       -- 90/>99,9 ...
    class_rank      integer not null,       -- 1 = most lenient
    k_lower         double,                 -- k > k_lower (NULL = -inf)
    k_upper         double,                 -- k <= k_upper (NULL = +inf)
    lots_per_test   integer,                -- 1 in N lots; NULL for a purely time-based frequency
    min_tests       integer not null,
    min_tests_years integer not null,
    source          varchar not null,
    primary key (n_window, test_class)
);

create table if not exists ref_gamma (
    n_window        integer not null,
    gamma           double not null,
    test_class      varchar not null,
    class_rank      integer not null,
    source          varchar not null,
    primary key (n_window, gamma)
);

create table if not exists ref_attribute_rule (
    n_obs           integer not null,       -- length of the series the count is taken over
    max_exceedances integer not null,       -- at most this many exceedances in the last n_obs
    test_class      varchar not null,
    class_rank      integer not null,
    source          varchar not null,
    primary key (n_obs, max_exceedances)
);

create table if not exists ref_ccv_steps (
    step               integer primary key, -- trede 0..3
    description        varchar not null,
    sample_one_in      integer,             -- 1 in N dwellings; NULL for step 0
    first_n_dwellings  integer,             -- step 0: the first N dwellings are all inspected
    first_n_with_fitter integer,            -- step 0 with a certified fitter employed
    min_per_18_months  integer not null,
    source             varchar not null
);

create table if not exists ref_tariffs (
    fee_code     varchar not null,
    description  varchar not null,
    unit         varchar not null,
    base_rate    decimal(12, 4) not null,   -- base year 2023
    base_year    integer not null,
    indexation   varchar not null,          -- salary / travel / none
    source       varchar not null,
    primary key (fee_code)
);

create table if not exists ref_offhours_multipliers (
    day_kind     varchar not null,          -- weekday / saturday / sunday_holiday
    time_kind    varchar not null,          -- day (6h-18h) / night (18h-6h)
    multiplier   decimal(4, 2) not null,
    source       varchar not null,
    primary key (day_kind, time_kind)
);

create table if not exists ref_holidays (
    holiday_date date primary key,
    name         varchar not null,
    kind         varchar not null,          -- public / construction
    source       varchar not null
);
