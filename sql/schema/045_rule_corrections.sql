-- Columns added by the rule corrections of issue 8 (stores created before keep working).

-- BRL 9341 bijlage IV footnote 1: the sulfate transition period is not in the sources; the
-- limit rows whose dates are a project assumption are marked provisional, with a note.
alter table ref_limits add column if not exists provisional boolean default false;
alter table ref_limits add column if not exists note varchar;

-- BRL 9341 §5.5: "Bij uitbesteding van de monsterneming aan een externe voor deze verrichting
-- erkende monsternemer vervalt de externe controle op de monsterneming." (yes/no, default no)
alter table sites add column if not exists outsourced_sampling boolean default false;
