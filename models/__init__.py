from . import wilayah_unit_mixin
from . import wilayah_provinsi
from . import wilayah_kota
from . import wilayah_kecamatan
from . import wilayah_kelurahan
from . import wilayah_data
from . import ir_fields_converter
